import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { alertCard, incidentAlertsMessage, verdictSummary, type AlertCounts } from '../../blocks/alert-card';
import type { ConfigFile } from '../../config/file';
import type { AlertState } from '../../domain/alerts/model';
import type { AlertTracker } from '../../domain/alerts/ports';
import type { Verdict } from '../../domain/correlation';
import type { Incident } from '../../domain/incidents/model';
import type { IncidentRepository } from '../../domain/incidents/ports';
import type { IncidentService } from '../../domain/incidents/service';
import type { RedisKeys } from '../../lib/keys';
import type { BullAlertDigestScheduler } from '../jobs/alert-digests';

/** How long a card keeps absorbing a service's alerts before a new one is posted. */
const CARD_TTL_SECONDS = 2 * 3600;
const MAX_COUNTED_ALERTS = 20_000;

interface CardState {
  channel: string;
  ts: string;
  fingerprint: string;
  postedAt: number;
}

const SEVERITY_FOR_ALERT: Record<string, Incident['severity']> = { critical: 'P1', error: 'P2', warning: 'P2', info: 'P3' };

/**
 * Shows a service's changed alerts in Slack: one card in the service's channel when no incident is
 * open (updated in place as more alerts arrive), or one counted thread message in the incident.
 */
export class SlackAlertPublisher {
  constructor(
    private readonly deps: {
      client: WebClient;
      redis: Redis;
      keys: RedisKeys;
      alerts: AlertTracker;
      repository: IncidentRepository;
      incidents: IncidentService;
      digests: BullAlertDigestScheduler;
      config: ConfigFile;
      /** The rollback runbook's target time per deploy strategy, named in the Rollback confirmation. */
      rollbackTargets: Record<string, number>;
      /** policy.yaml guard.errorRate.threshold: above it, with no known cause, the card recommends rolling back first. */
      errorRateThreshold?: number;
      verdict: (alert: AlertState) => Promise<Verdict>;
      logger: Logger;
    },
  ) {}

  async digest(service: string): Promise<void> {
    const fingerprints = await this.deps.digests.take(service);
    if (fingerprints.length === 0) return;
    try {
      await this.show(service, fingerprints);
    } catch (error) {
      // Put them back so the retry (or the sweeper) shows them.
      await this.deps.digests.schedule(service, fingerprints);
      throw error;
    }
  }

  private async show(service: string, fingerprints: string[]): Promise<void> {
    const incident = await this.deps.repository.openForService(service);
    if (incident) return this.attachToIncident(incident, fingerprints);

    const cardKey = this.deps.keys.alertCard(service);
    const existing = await this.deps.redis.get(cardKey);
    if (existing) return this.updateCard(service, JSON.parse(existing) as CardState);

    const changed = await this.states(fingerprints);
    const primary = changed.filter((a) => a.state === 'firing').sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
    if (!primary) return; // only resolutions of alerts nobody was shown: nothing to say
    const verdict = await this.deps.verdict(primary);
    if (this.autoStarts(primary, verdict)) return this.startIncident(primary, verdict, fingerprints);

    const channel = this.deps.config.services[service]?.channel ?? this.deps.config.announcements;
    if (!channel) {
      this.deps.logger.warn({ service }, 'alert for a service with no configured channel and no announcements channel: stored, not shown');
      return;
    }
    const counts = await this.counts(service, Date.parse(primary.startsAt));
    const message = alertCard({ alert: primary, verdict, counts, rollbackTargets: this.deps.rollbackTargets, errorRateThreshold: this.deps.errorRateThreshold });
    const posted = await this.deps.client.chat.postMessage({ channel, ...message, unfurl_links: false });
    const card: CardState = { channel: posted.channel ?? channel, ts: posted.ts ?? '', fingerprint: primary.fingerprint, postedAt: Date.parse(primary.startsAt) };
    await this.deps.redis.set(cardKey, JSON.stringify(card), 'EX', CARD_TTL_SECONDS);
  }

  private async updateCard(service: string, card: CardState): Promise<void> {
    const primary = await this.deps.alerts.get(card.fingerprint);
    if (!primary) return;
    const counts = await this.counts(service, card.postedAt);
    const verdict = await this.deps.verdict(primary);
    const message = alertCard({ alert: primary, verdict, counts, rollbackTargets: this.deps.rollbackTargets, errorRateThreshold: this.deps.errorRateThreshold });
    await this.deps.client.chat.update({ channel: card.channel, ts: card.ts, ...message });
    // Everything resolved: the next alert gets a fresh card.
    if (counts.firing === 0) await this.deps.redis.del(this.deps.keys.alertCard(service));
  }

  private async attachToIncident(incident: Incident, fingerprints: string[]): Promise<void> {
    if (!incident.channelId) {
      // The incident's channel is still being created; show these once it exists.
      await this.deps.digests.schedule(incident.service ?? '', fingerprints);
      return;
    }
    const counts = await this.counts(incident.service ?? '', Date.parse(incident.createdAt) - 3600_000);
    const message = incidentAlertsMessage(incident.service ?? '', counts);
    const threadTs = incident.publication.alertThreadTs;
    if (threadTs) await this.deps.client.chat.update({ channel: incident.channelId, ts: threadTs, ...message });
    else {
      const posted = await this.deps.client.chat.postMessage({ channel: incident.channelId, ...message });
      await this.deps.repository.recordPublication(incident.id, { alertThreadTs: posted.ts });
    }
    const changed = await this.states(fingerprints);
    const firing = changed.filter((a) => a.state === 'firing');
    const resolved = changed.filter((a) => a.state === 'resolved');
    const names = (list: AlertState[]) => [...new Set(list.map((a) => a.name))].slice(0, 5).join(', ');
    const parts = [firing.length ? `${firing.length} firing (${names(firing)})` : '', resolved.length ? `${resolved.length} resolved (${names(resolved)})` : ''];
    await this.deps.incidents.note(incident.id, changed[0]?.source ?? 'alerts', 'alert', `Alerts: ${parts.filter(Boolean).join(', ')}`, {
      fingerprints: fingerprints.slice(0, 50),
    });
  }

  private async startIncident(alert: AlertState, verdict: Verdict, fingerprints: string[]): Promise<void> {
    const service = this.deps.config.services[alert.service];
    const people = [...(service?.escalation?.[0]?.notify ?? []), ...(service?.responders ?? [])].filter((id) => /^[UW]/.test(id));
    const commander = people[0] ?? 'USLACKBOT';
    await this.deps.incidents.start({
      title: `${alert.name} on ${alert.service}`,
      severity: SEVERITY_FOR_ALERT[alert.severity] ?? 'P2',
      service: alert.service,
      impact: alert.summary ?? `${alert.name} firing`,
      reporterId: commander,
      commanderId: commander,
      origin: { alertFingerprint: alert.fingerprint, alertName: alert.name, verdict: verdictSummary(verdict), suspectDeployId: verdict.top?.deploy.id },
      requestKey: `alert-${alert.fingerprint}-${alert.startsAt}`,
    });
    await this.deps.digests.schedule(alert.service, fingerprints);
  }

  private autoStarts(alert: AlertState, verdict: Verdict): boolean {
    const policy = this.deps.config.alerts.autoStart;
    if (!policy || !policy.severities.includes(alert.severity)) return false;
    if (policy.suspect === 'any') return true;
    if (policy.suspect === 'possible') return verdict.kind !== 'none';
    return verdict.kind === 'strong';
  }

  private async states(fingerprints: string[]): Promise<AlertState[]> {
    const states = await Promise.all(fingerprints.map((f) => this.deps.alerts.get(f)));
    return states.filter((s): s is AlertState => s !== undefined);
  }

  private async counts(service: string, sinceMs: number): Promise<AlertCounts> {
    const recent = await this.deps.alerts.recent(service, { sinceMs, limit: MAX_COUNTED_ALERTS });
    const counts: AlertCounts = { firing: 0, resolved: 0, byName: {} };
    for (const alert of recent) {
      const byName = (counts.byName[alert.name] ??= { firing: 0, resolved: 0 });
      byName[alert.state] += 1;
      counts[alert.state] += 1;
    }
    return counts;
  }
}
