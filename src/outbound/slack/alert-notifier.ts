import type { WebClient } from '@slack/web-api';
import type { RedisClient } from '../../lib/redis-connection';
import { alertCard, alertRef, incidentAlertsMessage } from '../../blocks/alert-card';
import { alertTestCard } from '../../blocks/alert-test-card';
import { offersIn } from '../../blocks/remediation';
import type { AlertState } from '../../domain/alerts/model';
import type { Incident } from '../../domain/incidents/model';
import type { AlertCardView, AlertNotifier, AlertTally, ShownCard } from '../../domain/intake/digest-ports';
import type { RedisKeys } from '../../lib/keys';
import { RemediationOfferStore } from '../store/remediation-offers';
import { refusedFor } from './errors';

/** Alert cards and the incident's counted alerts message, in Slack. */
export class SlackAlertNotifier implements AlertNotifier {
  constructor(
    private readonly deps: {
      client: WebClient;
      /** The rollback runbook's target time per deploy strategy, named in the Rollback confirmation. */
      rollbackTargets: Record<string, number>;
      /** policy.yaml guard.errorRate.threshold: above it, with no known cause, the card recommends rolling back first. */
      errorRateThreshold?: number;
      /** Where a card's button offers (and a too-long fingerprint's reference) are saved before it is shown. */
      redis: RedisClient;
      keys: RedisKeys;
      retentionMs: number;
    },
  ) {}

  async postCard(channel: string, view: AlertCardView): Promise<{ channel: string; ts: string }> {
    const card = await this.rendered(view);
    const posted = await refusedFor(channel, this.deps.client.chat.postMessage({ channel, ...card, unfurl_links: false }));
    return { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
  }

  async updateCard(card: ShownCard, view: AlertCardView): Promise<void> {
    const message = await this.rendered(view);
    await refusedFor(card.channel, this.deps.client.chat.update({ channel: card.channel, ts: card.ts, ...message }));
  }

  /**
   * The card, with what its buttons stand for saved first: the Rollback / Disable flag offers, and
   * for a fingerprint too long for a button value the reference Start incident carries instead.
   */
  private async rendered(view: AlertCardView) {
    const message = this.card(view);
    const { redis, keys, retentionMs } = this.deps;
    await new RemediationOfferStore(redis, keys, retentionMs).save(offersIn(message.blocks));
    const { service, fingerprint } = view.alert;
    await redis.set(keys.seen('alert-ref', alertRef(view.alert)), JSON.stringify({ service, fingerprint }), 'PX', retentionMs);
    return message;
  }

  async postIncidentAlerts(incident: Incident, counts: AlertTally): Promise<string | undefined> {
    const channel = incident.channelId ?? '';
    const posted = await refusedFor(channel, this.deps.client.chat.postMessage({ channel, ...incidentAlertsMessage(incident.service ?? '', counts) }));
    return posted.ts;
  }

  async updateIncidentAlerts(incident: Incident, ts: string, counts: AlertTally): Promise<void> {
    const channel = incident.channelId ?? '';
    await refusedFor(channel, this.deps.client.chat.update({ channel, ts, ...incidentAlertsMessage(incident.service ?? '', counts) }));
  }

  async postTestCard(channel: string, alert: AlertState): Promise<void> {
    await refusedFor(channel, this.deps.client.chat.postMessage({ channel, ...alertTestCard(alert), unfurl_links: false }));
  }

  private card(view: AlertCardView) {
    return alertCard({ ...view, rollbackTargets: this.deps.rollbackTargets, errorRateThreshold: this.deps.errorRateThreshold });
  }
}
