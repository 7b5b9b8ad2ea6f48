import { SYSTEM_ACTOR, isOpen, type Incident } from '../incidents/model';
import type { IncidentService } from '../incidents/service';
import type { Handoff, OncallService, StaleTarget } from './service';

/** Telling people about on-call changes (Slack in production). */
export interface OncallNotifier {
  /** "Handoff: @bob is now on call for payments-primary (was @alice)" in the incident channel. */
  handoffLine(incident: Incident, handoff: Handoff): Promise<void>;
  invite(channelId: string, userId: string): Promise<void>;
  /** "PagerDuty schedule X could not be asked (…): paging the last known on-call." */
  staleSchedule(incident: Incident, stale: StaleTarget): Promise<void>;
}

export interface OncallFlowDeps {
  oncall: OncallService;
  incidents: IncidentService;
  notifier: OncallNotifier;
  /** Services whose responders or escalation name `rotation:<name>`, by rotation. */
  servicesByRotation: Record<string, string[]>;
  /** Run `action` once across retries and replicas (a Redis marker in production). */
  once(step: string, action: () => Promise<void>): Promise<boolean>;
  /** A durable job at `at` (deterministic id per rotation and time) that calls `handoff`. */
  scheduleHandoff(rotation: string, at: Date): Promise<void>;
}

const stepSafe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * What happens around on-call changes: a handoff while incidents are open (a line in each
 * channel, the new on-call invited, a timeline entry, each once), the chain of handoff jobs, and
 * targets resolved for an incident (a stale external schedule said in its channel once).
 */
export class OncallFlows {
  constructor(private readonly deps: OncallFlowDeps) {}

  /** The escalation hook: on-call targets to users at `at`; stale schedules reported in the incident channel. */
  async resolveForIncident(targets: string[], context: { incident: Incident; at: Date }): Promise<string[]> {
    const { incident, at } = context;
    const resolved = await this.deps.oncall.resolve(targets, at);
    for (const stale of resolved.stale) {
      if (!incident.channelId) continue;
      const step = stepSafe(`stale-${incident.id}-${stale.target}-${stale.knownAt ?? 'none'}`);
      await this.deps.once(step, () => this.deps.notifier.staleSchedule(incident, stale));
      await this.deps.once(`${step}-timeline`, () =>
        this.deps.incidents.note(incident.id, SYSTEM_ACTOR, 'oncall', `${stale.target} unavailable (${stale.error}); used the last known on-call`, { ...stale }),
      );
    }
    return resolved.targets;
  }

  /** Start (or continue) every rotation's chain of handoff jobs from `now`. */
  async scheduleNextHandoffs(now: Date): Promise<void> {
    for (const rotation of this.deps.oncall.rotationNames()) {
      const next = await this.deps.oncall.nextHandoffAfter(rotation, now);
      if (next) await this.deps.scheduleHandoff(rotation, next);
    }
  }

  /** The handoff job of `rotation` at `at`. Safe to run twice. */
  async handoff(rotation: string, at: Date): Promise<{ handoff?: Handoff; incidents: string[] }> {
    const handoff = await this.deps.oncall.handoffAt(rotation, at);
    const told: string[] = [];
    if (handoff?.to) {
      for (const incident of await this.openIncidents(rotation)) {
        if (!incident.channelId) continue;
        const step = stepSafe(`handoff-${incident.id}-${rotation}-${at.getTime()}`);
        const channelId = incident.channelId;
        const to = handoff.to;
        await this.deps.once(`${step}-line`, () => this.deps.notifier.handoffLine(incident, handoff));
        await this.deps.once(`${step}-invite`, () => this.deps.notifier.invite(channelId, to));
        await this.deps.once(`${step}-timeline`, () =>
          this.deps.incidents.note(incident.id, SYSTEM_ACTOR, 'oncall', `On-call handoff in ${rotation}: @${to} takes over${handoff.from ? ` from @${handoff.from}` : ''}`, {
            rotation,
            from: handoff.from,
            to,
            at: at.toISOString(),
          }),
        );
        told.push(incident.id);
      }
    }
    const next = await this.deps.oncall.nextHandoffAfter(rotation, at);
    if (next) await this.deps.scheduleHandoff(rotation, next);
    return { ...(handoff ? { handoff } : {}), incidents: told };
  }

  /** `/incident oncall override`: store it, then the handoff it makes now and the one when it ends. */
  async override(input: { rotation: string; userId: string; durationMs: number; by: string }) {
    const override = await this.deps.oncall.override(input);
    await this.deps.scheduleHandoff(input.rotation, new Date(override.from));
    return override;
  }

  private async openIncidents(rotation: string): Promise<Incident[]> {
    const found: Incident[] = [];
    for (const service of this.deps.servicesByRotation[rotation] ?? []) {
      const incident = await this.deps.incidents.openIncidentForService(service);
      if (incident && isOpen(incident)) found.push(incident);
    }
    return found;
  }
}
