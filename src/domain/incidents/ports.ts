import type { IncidentEvent } from './events';
import type { Incident, Publication, TimelineEntry } from './model';

/** A new incident before the store gives it its number, id and channel name. */
export type IncidentDraft = Omit<Incident, 'id' | 'number' | 'channelName'>;

export interface IncidentRepository {
  /**
   * Open a new incident unless `requestKey` already opened one (a Slack retry, a double submit,
   * another replica), in one atomic step: the next number, the first free name of `channelNames`,
   * the document and the `opened` timeline entry. A caller that loses gets the winner's incident
   * and spends no number and no name.
   */
  openOnce(draft: IncidentDraft, requestKey: string, channelNames: string[], opened: TimelineEntry): Promise<{ incident: Incident; created: boolean }>;
  /**
   * Compare-and-set: store `next` only if the stored incident still has `expectedRevision`, and
   * append `entry` to its timeline in the same step; 'conflict' when someone changed it since.
   */
  transition(next: Incident, expectedRevision: number, entry: TimelineEntry): Promise<'stored' | 'conflict' | 'missing'>;
  findByRequestKey(requestKey: string): Promise<Incident | undefined>;
  get(id: string): Promise<Incident | undefined>;
  bindChannel(incidentId: string, channelId: string, channelName: string): Promise<void>;
  /** Record how far the chat side got (kept apart from the incident so concurrent writers never clash). */
  recordPublication(incidentId: string, patch: Partial<Publication>): Promise<void>;
  findByChannel(channelId: string): Promise<Incident | undefined>;
  openForService(service: string): Promise<Incident | undefined>;
  list(options: { status?: 'open' | 'resolved' | 'all'; limit?: number }): Promise<Incident[]>;
  appendTimeline(incidentId: string, entry: TimelineEntry): Promise<void>;
  timeline(incidentId: string): Promise<TimelineEntry[]>;
  setChecklist(incidentId: string, checked: string[]): Promise<void>;
  checklist(incidentId: string): Promise<string[]>;
}

/** Durable delivery of incident events to whatever reacts to them (Slack messages, timers). */
export interface IncidentEventBus {
  publish(event: IncidentEvent): Promise<void>;
}
