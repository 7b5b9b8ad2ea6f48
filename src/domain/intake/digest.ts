import type { AlertState } from '../alerts/model';
import type { AlertTracker } from '../alerts/ports';
import type { Verdict } from '../correlation';
import type { Incident } from '../incidents/model';
import type { IncidentRepository } from '../incidents/ports';
import type { IncidentService } from '../incidents/service';
import type { AlertBatch, AlertCards, AlertNotifier, AlertTally, DigestPolicy, EffectSteps, PendingAlerts } from './digest-ports';

const MAX_COUNTED_ALERTS = 20_000;
const HOUR_MS = 3600_000;

export const SEVERITY_FOR_ALERT: Record<string, Incident['severity']> = { critical: 'P1', error: 'P2', warning: 'P2', info: 'P3' };

export interface AlertDigestDeps {
  pending: PendingAlerts;
  cards: AlertCards;
  notifier: AlertNotifier;
  /** Each effect of a batch once (scope: the service), so a replayed digest posts nothing twice. */
  steps: EffectSteps;
  alerts: AlertTracker;
  repository: Pick<IncidentRepository, 'openForService' | 'recordPublication'>;
  incidents: Pick<IncidentService, 'start' | 'note'>;
  verdict(alert: AlertState): Promise<Verdict>;
  /** One line for an incident's origin (Strong suspect: checkout v1.2.3 …). */
  describeVerdict(verdict: Verdict): string;
  policy: DigestPolicy;
  logger: { warn(data: Record<string, unknown>, message: string): void };
}

/**
 * The alert digest, one service at a time: deduplicate (the waiting alerts become one batch), then
 * decide — a counted message in the open incident's channel, an update of the card already shown,
 * an incident opened by itself, or a new card — and only then reach Slack through the notifier.
 * The alerts leave the queue once shown (at least once); every effect is a step named after the
 * batch, so a digest replayed after a crash shows nothing twice (shown once).
 */
export class AlertDigestFlow {
  constructor(private readonly deps: AlertDigestDeps) {}

  async digest(service: string): Promise<void> {
    const batch = await this.deps.pending.claim(service);
    if (!batch) return;
    await this.show(service, batch);
    await this.deps.pending.finish(service, batch);
  }

  private async show(service: string, batch: AlertBatch): Promise<void> {
    const step = (name: string) => `b${batch.id}-${name}`;
    const incident = await this.deps.repository.openForService(service);
    if (incident) return this.attachToIncident(incident, batch, step);

    const existing = await this.deps.cards.get(service);
    if (existing) return this.updateCard(service, existing, step('update'));

    const changed = await this.states(service, batch.fingerprints);
    const primary = changed.filter((a) => a.state === 'firing').sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
    if (!primary) return; // only resolutions of alerts nobody was shown: nothing to say
    if (primary.test) return this.showTest(service, primary, step('test'));
    // Only configured services have a channel: an unknown service's alerts are stored, never shown
    // in the announcements channel (route them with alerts.catchAll).
    const channel = this.deps.policy.channelFor(service);
    if (!channel) {
      this.deps.logger.warn({ service }, 'alert for a service that is not configured: stored, not shown');
      return;
    }
    const verdict = await this.deps.verdict(primary);
    if (this.autoStarts(primary, verdict)) return this.startIncident(primary, verdict, batch.fingerprints);
    const postedAt = Date.parse(primary.startsAt);
    const counts = await this.counts(service, postedAt);
    await this.deps.steps.once(service, step('card'), async () => {
      const posted = await this.deps.notifier.postCard(channel, { alert: primary, verdict, counts });
      await this.deps.cards.save(service, { ...posted, fingerprint: primary.fingerprint, postedAt });
    });
  }

  /** A sender's test notification: one test card in the test channel, never kept as a card. */
  private async showTest(service: string, alert: AlertState, step: string): Promise<void> {
    const channel = this.deps.policy.testChannel;
    if (!channel) {
      this.deps.logger.warn({ source: alert.source }, 'test notification received; no alerts.testChannel or announcements channel to show it in');
      return;
    }
    const { notifier } = this.deps;
    if (notifier.postTestCard) await this.deps.steps.once(service, step, () => notifier.postTestCard!(channel, alert));
  }

  private async updateCard(service: string, card: { channel: string; ts: string; fingerprint: string; postedAt: number }, step: string): Promise<void> {
    const primary = await this.deps.alerts.get(service, card.fingerprint);
    if (!primary) return;
    const counts = await this.counts(service, card.postedAt);
    const verdict = await this.deps.verdict(primary);
    await this.deps.steps.once(service, step, () => this.deps.notifier.updateCard(card, { alert: primary, verdict, counts }));
    // Everything resolved: the next alert gets a fresh card.
    if (counts.firing === 0) await this.deps.cards.clear(service);
  }

  private async attachToIncident(incident: Incident, batch: AlertBatch, step: (name: string) => string): Promise<void> {
    const service = incident.service ?? '';
    if (!incident.channelId) {
      // The incident's channel is still being created; show these once it exists.
      await this.deps.pending.schedule(service, batch.fingerprints);
      return;
    }
    const counts = await this.counts(service, Date.parse(incident.createdAt) - HOUR_MS);
    const threadTs = incident.publication.alertThreadTs;
    await this.deps.steps.once(service, step('thread'), async () => {
      if (threadTs) return this.deps.notifier.updateIncidentAlerts(incident, threadTs, counts);
      const posted = await this.deps.notifier.postIncidentAlerts(incident, counts);
      await this.deps.repository.recordPublication(incident.id, { alertThreadTs: posted });
    });
    const changed = await this.states(service, batch.fingerprints);
    const firing = changed.filter((a) => a.state === 'firing');
    const resolved = changed.filter((a) => a.state === 'resolved');
    const names = (list: AlertState[]) => [...new Set(list.map((a) => a.name))].slice(0, 5).join(', ');
    const parts = [firing.length ? `${firing.length} firing (${names(firing)})` : '', resolved.length ? `${resolved.length} resolved (${names(resolved)})` : ''];
    await this.deps.steps.once(service, step('note'), () =>
      this.deps.incidents.note(incident.id, changed[0]?.source ?? 'alerts', 'alert', `Alerts: ${parts.filter(Boolean).join(', ')}`, {
        fingerprints: batch.fingerprints.slice(0, 50),
      }),
    );
  }

  /** Open the incident (once: its request key), then show the batch in it by the next digest. */
  private async startIncident(alert: AlertState, verdict: Verdict, fingerprints: string[]): Promise<void> {
    const commander = this.deps.policy.peopleFor(alert.service)[0] ?? 'USLACKBOT';
    await this.deps.incidents.start({
      title: `${alert.name} on ${alert.service}`,
      severity: (Object.hasOwn(SEVERITY_FOR_ALERT, alert.severity) ? SEVERITY_FOR_ALERT[alert.severity] : undefined) ?? 'P2',
      service: alert.service,
      impact: alert.summary ?? `${alert.name} firing`,
      reporterId: commander,
      commanderId: commander,
      origin: { alertFingerprint: alert.fingerprint, alertService: alert.service, alertName: alert.name, verdict: this.deps.describeVerdict(verdict), suspectDeployId: verdict.top?.deploy.id },
      requestKey: `alert-${alert.fingerprint}-${alert.startsAt}`,
    });
    await this.deps.pending.schedule(alert.service, fingerprints);
  }

  private autoStarts(alert: AlertState, verdict: Verdict): boolean {
    const policy = this.deps.policy.autoStart;
    if (!policy || !policy.severities.includes(alert.severity)) return false;
    if (policy.suspect === 'any') return true;
    if (policy.suspect === 'possible') return verdict.kind !== 'none';
    return verdict.kind === 'strong';
  }

  private async states(service: string, fingerprints: string[]): Promise<AlertState[]> {
    const states = await Promise.all(fingerprints.map((f) => this.deps.alerts.get(service, f)));
    return states.filter((s): s is AlertState => s !== undefined);
  }

  private async counts(service: string, sinceMs: number): Promise<AlertTally> {
    const recent = await this.deps.alerts.recent(service, { sinceMs, limit: MAX_COUNTED_ALERTS });
    const counts: AlertTally = { firing: 0, resolved: 0, byName: {} };
    for (const alert of recent) {
      const byName = (counts.byName[alert.name] ??= { firing: 0, resolved: 0 });
      byName[alert.state] += 1;
      counts[alert.state] += 1;
    }
    return counts;
  }
}
