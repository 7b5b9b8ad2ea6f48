import type { Clock } from '../../lib/clock';
import { incidentChannelName } from './channel-name';
import { IncidentNotFoundError, IncidentNotResolvedError, IncidentResolvedError } from './errors';
import {
  SYSTEM_ACTOR,
  type Incident,
  type IncidentOrigin,
  type IncidentResolution,
  type IncidentUpdate,
  type SeverityId,
  type TimelineEntry,
} from './model';
import type { IncidentEventBus, IncidentRepository } from './ports';

export interface StartIncidentInput {
  title: string;
  severity: SeverityId;
  service?: string;
  impact: string;
  reporterId: string;
  commanderId?: string;
  origin?: IncidentOrigin;
  customerFacing?: boolean;
  /** Identifies the request (Slack view id, alert fingerprint…): the same key never opens two incidents. */
  requestKey: string;
}

const MAX_CHANNEL_NAME_ATTEMPTS = 50;

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
    const number = await this.repository.nextNumber();
    const id = `INC-${number}`;
    const channelName = await this.claimChannelName(input.title, now, id);
    const draft: Incident = {
      id,
      number,
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
      channelName,
      origin: input.origin,
      ...(input.customerFacing ? { customerFacing: true } : {}),
      publication: { invited: false, topicSet: false, pinned: false },
    };
    const { incident, created } = await this.repository.createOnce(draft, input.requestKey);
    if (created) {
      await this.note(incident.id, input.reporterId, 'opened', `Incident opened: ${incident.title} (${incident.severity})`, {
        service: incident.service,
        commander: incident.commanderId,
        origin: incident.origin,
        ...(incident.customerFacing ? { customerFacing: true } : {}),
      });
    }
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
    const incident = await this.openIncident(id);
    incident.workStatus = update.status;
    if (update.rootCause) incident.rootCause = update.rootCause;
    incident.lastUpdateAt = this.clock.now().toISOString();
    incident.updateCount += 1;
    const sequence = await this.bump(incident);
    await this.note(id, author, 'update', `Update #${incident.updateCount}: ${update.status} — ${update.actionTaken}`, { ...update });
    await this.events.publish({ type: 'updated', incident, update, author, sequence });
    return incident;
  }

  async resolve(id: string, resolution: IncidentResolution, author: string): Promise<Incident> {
    const incident = await this.openIncident(id);
    incident.status = 'resolved';
    incident.resolvedAt = this.clock.now().toISOString();
    incident.rootCause = resolution.rootCause;
    incident.userImpact = resolution.userImpact;
    incident.followUp = resolution.followUp;
    const sequence = await this.bump(incident);
    await this.note(id, author, 'resolved', `Resolved. Root cause: ${resolution.rootCause}`, { ...resolution });
    await this.events.publish({ type: 'resolved', incident, resolution, author, sequence });
    return incident;
  }

  async reopen(id: string, author: string): Promise<Incident> {
    const incident = await this.get(id);
    if (incident.status === 'open') throw new IncidentNotResolvedError(id);
    incident.status = 'open';
    incident.resolvedAt = undefined;
    const sequence = await this.bump(incident);
    await this.note(id, author, 'reopened', 'Incident reopened');
    await this.events.publish({ type: 'reopened', incident, author, sequence });
    return incident;
  }

  async setSeverity(id: string, severity: SeverityId, author: string): Promise<Incident> {
    const incident = await this.openIncident(id);
    const from = incident.severity;
    if (from === severity) return incident;
    incident.severity = severity;
    const sequence = await this.bump(incident);
    await this.note(id, author, 'severity', `Severity ${from} → ${severity}`, { from, to: severity });
    await this.events.publish({ type: 'severity-changed', incident, from, author, sequence });
    return incident;
  }

  async setCommander(id: string, commanderId: string, author: string): Promise<Incident> {
    const incident = await this.openIncident(id);
    const from = incident.commanderId;
    if (from === commanderId) return incident;
    incident.commanderId = commanderId;
    const sequence = await this.bump(incident);
    await this.note(id, author, 'commander', `Incident commander <@${from}> → <@${commanderId}>`, { from, to: commanderId });
    await this.events.publish({ type: 'commander-changed', incident, from, author, sequence });
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
    const entry: TimelineEntry = { at: this.clock.now().toISOString(), actor: actor || SYSTEM_ACTOR, kind, text };
    if (data) entry.data = data;
    return this.repository.appendTimeline(id, entry);
  }

  private async openIncident(id: string): Promise<Incident> {
    const incident = await this.get(id);
    if (incident.status !== 'open') throw new IncidentResolvedError(id);
    return incident;
  }

  private async bump(incident: Incident): Promise<number> {
    incident.revision += 1;
    await this.repository.save(incident);
    return incident.revision;
  }

  private async claimChannelName(title: string, at: Date, incidentId: string): Promise<string> {
    for (let attempt = 1; attempt <= MAX_CHANNEL_NAME_ATTEMPTS; attempt++) {
      const name = incidentChannelName(title, at, attempt);
      if (await this.repository.claimChannelName(name, incidentId)) return name;
    }
    return incidentChannelName(`${title} ${incidentId}`, at);
  }
}

