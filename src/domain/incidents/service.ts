import type { Clock } from '../../lib/clock';
import { incidentChannelName } from './channel-name';
import { IncidentBusyError, IncidentNotFoundError, IncidentNotResolvedError, IncidentResolvedError } from './errors';
import {
  isOpen,
  SYSTEM_ACTOR,
  type Incident,
  type IncidentOrigin,
  type IncidentResolution,
  type IncidentUpdate,
  type SeverityId,
  type TimelineEntry,
} from './model';
import type { IncidentDraft, IncidentEventBus, IncidentRepository } from './ports';
import type { IncidentDrill } from '../drills/model';

export interface StartIncidentInput {
  title: string;
  severity: SeverityId;
  service?: string;
  impact: string;
  reporterId: string;
  commanderId?: string;
  origin?: IncidentOrigin;
  customerFacing?: boolean;
  /** A drill: channel `drill-…`, dry-run remediation, only participants paged. */
  drill?: IncidentDrill;
  /** Identifies the request (Slack view id, alert fingerprint…): the same key never opens two incidents. */
  requestKey: string;
}

const MAX_CHANNEL_NAME_ATTEMPTS = 50;
/** Compare-and-set rounds before a transition gives up (each lost round means another change won). */
const MAX_TRANSITION_ATTEMPTS = 25;

/** What a transition changes, and its timeline entry: kind, text, data. */
interface Change {
  set: Partial<Incident>;
  entry: [kind: string, text: string, data?: Record<string, unknown>];
}

/** The incident lifecycle: every change is stored, put on the timeline, then published. */
export class IncidentService {
  constructor(
    private readonly repository: IncidentRepository,
    private readonly events: IncidentEventBus,
    private readonly clock: Clock,
  ) {}

  async start(input: StartIncidentInput): Promise<{ incident: Incident; created: boolean }> {
    const replayed = await this.repository.findByRequestKey(input.requestKey);
    if (replayed) {
      await this.events.publish({ type: 'opened', incident: replayed });
      return { incident: replayed, created: false };
    }
    const now = this.clock.now();
    const draft: IncidentDraft = {
      title: input.title,
      severity: input.severity,
      service: input.service,
      impact: input.impact,
      status: 'open',
      workStatus: 'Investigating',
      reporterId: input.reporterId,
      commanderId: input.commanderId ?? input.reporterId,
      createdAt: now.toISOString(),
      updateCount: 0,
      revision: 0,
      origin: input.origin,
      ...(input.customerFacing ? { customerFacing: true } : {}),
      ...(input.drill ? { drill: input.drill } : {}),
      publication: { invited: false, topicSet: false, pinned: false },
    };
    // Number and channel name are claimed once per request key, then document and timeline entry
    // written once: a replica that loses the request key gets the winner's incident and spends nothing.
    const channelNames = Array.from({ length: MAX_CHANNEL_NAME_ATTEMPTS }, (_, i) => incidentChannelName(input.title, now, i + 1, input.drill ? 'drill' : 'inc'));
    const opened = this.entry(input.reporterId, 'opened', `Incident opened: ${input.title} (${input.severity})`, {
      service: input.service,
      commander: draft.commanderId,
      origin: input.origin,
      ...(input.customerFacing ? { customerFacing: true } : {}),
    });
    const { incident, created } = await this.repository.openOnce(draft, input.requestKey, channelNames, opened);
    // Publishing is idempotent per incident, so a replayed request re-publishes safely.
    await this.events.publish({ type: 'opened', incident });
    return { incident, created };
  }

  /** The incident, or undefined when there is none with that id. */
  find(id: string): Promise<Incident | undefined> {
    return this.repository.get(id);
  }

  async get(id: string): Promise<Incident> {
    const incident = await this.repository.get(id);
    if (!incident) throw new IncidentNotFoundError(id);
    return incident;
  }

  openIncidentForService(service: string): Promise<Incident | undefined> {
    return this.repository.openForService(service);
  }

  findByChannel(channelId: string): Promise<Incident | undefined> {
    return this.repository.findByChannel(channelId);
  }

  list(status: 'open' | 'resolved' | 'all' = 'open', limit = 20): Promise<Incident[]> {
    return this.repository.list({ status, limit });
  }

  timeline(id: string): Promise<TimelineEntry[]> {
    return this.repository.timeline(id);
  }

  async postUpdate(id: string, update: IncidentUpdate, author: string): Promise<Incident> {
    const { incident, sequence } = await this.change(id, author, (current) => {
      if (!isOpen(current)) throw new IncidentResolvedError(id);
      const updateCount = current.updateCount + 1;
      return {
        set: { workStatus: update.status, rootCause: update.rootCause ?? current.rootCause, lastUpdateAt: this.clock.now().toISOString(), updateCount },
        entry: ['update', `Update #${updateCount}: ${update.status} — ${update.actionTaken}`, { ...update }],
      };
    });
    await this.events.publish({ type: 'updated', incident, update, author, sequence: sequence! });
    return incident;
  }

  async resolve(id: string, resolution: IncidentResolution, author: string): Promise<Incident> {
    const { incident, sequence } = await this.change(id, author, (current) => {
      if (!isOpen(current)) throw new IncidentResolvedError(id);
      return {
        set: { status: 'resolved', resolvedAt: this.clock.now().toISOString(), ...resolution },
        entry: ['resolved', `Resolved. Root cause: ${resolution.rootCause}`, { ...resolution }],
      };
    });
    await this.events.publish({ type: 'resolved', incident, resolution, author, sequence: sequence! });
    return incident;
  }

  /** The only way back from resolved. */
  async reopen(id: string, author: string): Promise<Incident> {
    const { incident, sequence } = await this.change(id, author, (current) => {
      if (isOpen(current)) throw new IncidentNotResolvedError(id);
      return { set: { status: 'open', resolvedAt: undefined }, entry: ['reopened', 'Incident reopened'] };
    });
    await this.events.publish({ type: 'reopened', incident, author, sequence: sequence! });
    return incident;
  }

  async setSeverity(id: string, severity: SeverityId, author: string): Promise<Incident> {
    let from: SeverityId = severity;
    const { incident, sequence } = await this.change(id, author, (current) => {
      if (!isOpen(current)) throw new IncidentResolvedError(id);
      from = current.severity;
      if (from === severity) return undefined;
      return { set: { severity }, entry: ['severity', `Severity ${from} → ${severity}`, { from, to: severity }] };
    });
    if (sequence !== undefined) await this.events.publish({ type: 'severity-changed', incident, from, author, sequence });
    return incident;
  }

  async setCommander(id: string, commanderId: string, author: string): Promise<Incident> {
    let from = commanderId;
    const { incident, sequence } = await this.change(id, author, (current) => {
      if (!isOpen(current)) throw new IncidentResolvedError(id);
      from = current.commanderId;
      if (from === commanderId) return undefined;
      return { set: { commanderId }, entry: ['commander', `Incident commander <@${from}> → <@${commanderId}>`, { from, to: commanderId }] };
    });
    if (sequence !== undefined) await this.events.publish({ type: 'commander-changed', incident, from, author, sequence });
    return incident;
  }

  /** Ask for a Markdown postmortem draft from the timeline (uploaded to the channel by a job). */
  async requestPostmortem(id: string, author: string): Promise<Incident> {
    const incident = await this.get(id);
    const sequence = this.clock.now().getTime();
    await this.note(id, author, 'postmortem', 'Postmortem draft requested');
    await this.events.publish({ type: 'postmortem-requested', incident, author, sequence });
    return incident;
  }

  async setChecklist(id: string, checked: string[], author: string): Promise<string[]> {
    await this.get(id);
    const before = new Set(await this.repository.checklist(id));
    await this.repository.setChecklist(id, checked);
    const ticked = checked.filter((item) => !before.has(item));
    const unticked = [...before].filter((item) => !checked.includes(item));
    for (const item of ticked) await this.note(id, author, 'checklist', `Checked "${item}"`, { item, checked: true });
    for (const item of unticked) await this.note(id, author, 'checklist', `Unchecked "${item}"`, { item, checked: false });
    return checked;
  }

  checklist(id: string): Promise<string[]> {
    return this.repository.checklist(id);
  }

  /** Put anything that happened on the incident's timeline, with who and when. */
  note(id: string, actor: string, kind: string, text: string, data?: Record<string, unknown>): Promise<void> {
    return this.repository.appendTimeline(id, this.entry(actor, kind, text, data));
  }

  private entry(actor: string, kind: string, text: string, data?: Record<string, unknown>): TimelineEntry {
    const entry: TimelineEntry = { at: this.clock.now().toISOString(), actor: actor || SYSTEM_ACTOR, kind, text };
    if (data) entry.data = data;
    return entry;
  }

  /**
   * One transition as a compare-and-set: decide on the incident as stored, store the result only if
   * nobody changed it since (with its timeline entry, in one step), else decide again on the newer
   * version. `decide` throws when the transition no longer applies and returns undefined when it
   * changes nothing. Each conflict means another change was stored, so this ends.
   */
  private async change(id: string, author: string, decide: (current: Incident) => Change | undefined): Promise<{ incident: Incident; sequence?: number }> {
    for (let attempt = 1; attempt <= MAX_TRANSITION_ATTEMPTS; attempt++) {
      const current = await this.get(id);
      const change = decide(current);
      if (!change) return { incident: current };
      const next: Incident = { ...current, ...change.set, revision: current.revision + 1 };
      const [kind, text, data] = change.entry;
      const outcome = await this.repository.transition(next, current.revision, this.entry(author, kind, text, data));
      if (outcome === 'stored') return { incident: next, sequence: next.revision };
      if (outcome === 'missing') throw new IncidentNotFoundError(id);
    }
    throw new IncidentBusyError(id);
  }
}
