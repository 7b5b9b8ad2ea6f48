import type { IncidentEvent } from './events';
import type { Incident, Publication, TimelineEntry } from './model';

export interface IncidentRepository {
  /** Next incident number, unique across replicas. */
  nextNumber(): Promise<number>;
  /**
   * Store a new incident unless `requestKey` already produced one (a Slack retry, a double submit);
   * returns the incident that holds the key.
   */
  createOnce(incident: Incident, requestKey: string): Promise<{ incident: Incident; created: boolean }>;
  findByRequestKey(requestKey: string): Promise<Incident | undefined>;
  get(id: string): Promise<Incident | undefined>;
  save(incident: Incident): Promise<void>;
  /** Claim a channel name so two incidents never race for one; false when taken. */
  claimChannelName(name: string, incidentId: string): Promise<boolean>;
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
