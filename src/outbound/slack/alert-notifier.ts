import type { WebClient } from '@slack/web-api';
import { alertCard, incidentAlertsMessage } from '../../blocks/alert-card';
import type { Incident } from '../../domain/incidents/model';
import type { AlertCardView, AlertNotifier, AlertTally, ShownCard } from '../../domain/intake/digest-ports';
import { refusedFor } from './errors';

/** Alert cards and the incident's counted alerts message, in Slack. */
export class SlackAlertNotifier implements AlertNotifier {
  constructor(
    private readonly deps: {
      client: WebClient;
      /** The rollback runbook's target time per deploy strategy, named in the Rollback confirmation. */
      rollbackTargets: Record<string, number>;
    },
  ) {}

  async postCard(channel: string, view: AlertCardView): Promise<{ channel: string; ts: string }> {
    const posted = await refusedFor(channel, this.deps.client.chat.postMessage({ channel, ...this.card(view), unfurl_links: false }));
    return { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
  }

  async updateCard(card: ShownCard, view: AlertCardView): Promise<void> {
    await refusedFor(card.channel, this.deps.client.chat.update({ channel: card.channel, ts: card.ts, ...this.card(view) }));
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

  private card(view: AlertCardView) {
    return alertCard({ ...view, rollbackTargets: this.deps.rollbackTargets });
  }
}
