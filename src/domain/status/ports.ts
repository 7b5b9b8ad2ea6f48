import type { Incident } from '../incidents/model';
import type { ComponentState, PublicIncident, PublicUpdate, PublishRequest, StatusStage } from './model';

/** The public records (Redis in production). */
export interface StatusStore {
  get(incidentId: string): Promise<PublicIncident | undefined>;
  /** Change one record atomically (compare-and-set; `change` may run again on a race). */
  update(incidentId: string, change: (current: PublicIncident | undefined) => PublicIncident): Promise<PublicIncident>;
  /** Newest first. */
  list(limit: number): Promise<PublicIncident[]>;
  /** Run `action` unless this step of this publication already ran; a failure releases it for the retry. */
  once(scope: string, step: string, action: () => Promise<void>): Promise<boolean>;
}

/** An outside status page (Atlassian Statuspage, a webhook). Calls may be repeated safely by the caller's steps. */
export interface StatusProvider {
  readonly name: string;
  /** Create the incident there (no `providerIncidentId` yet) or add the update; returns its id there. */
  publishIncident(incident: PublicIncident, update: PublicUpdate): Promise<string>;
  /** The component's state there; false when the service has no component there. */
  setComponent(service: string, state: ComponentState): Promise<boolean>;
}

/** Publishing runs as a job with a deterministic id (one per person's click). */
export interface PublishQueue {
  enqueue(request: PublishRequest): Promise<{ jobId: string; queued: boolean }>;
}

/** Telling the incident channel (Slack in production). */
export interface StatusNotifier {
  /** A proposal: the suggested stage with the Publish to status page button. */
  propose(incident: Incident, stage: StatusStage, why: string, draft: string): Promise<void>;
  published(incident: Incident, record: PublicIncident, update: PublicUpdate, by: string): Promise<void>;
  reminder(incident: Incident, record: PublicIncident, stage: StatusStage, ageMs: number): Promise<void>;
  /** Publishing failed for good (the provider refused it): say so where the person is. */
  failed(incident: Incident, stage: StatusStage, reason: string): Promise<void>;
}
