import { z } from 'zod';
import type { IncidentEvent } from '../incidents/events';
import type { Incident } from '../incidents/model';

/** One PagerDuty Events v2 call to make for an incident (job data of the `oncall` queue). */
export const pagerdutyEventJobSchema = z.object({
  incidentId: z.string().min(1),
  action: z.enum(['trigger', 'acknowledge', 'resolve']),
  /** Makes the job id unique per occurrence (the event's sequence, the acknowledgement's time). */
  occurrence: z.string().min(1),
});
export type PagerDutyEventJob = z.infer<typeof pagerdutyEventJobSchema>;

/** Where the calls go (a BullMQ queue with deterministic job ids in production). */
export interface PagerDutyEventQueue {
  enqueue(job: PagerDutyEventJob): Promise<void>;
}

/**
 * Mirrors an incident to a PagerDuty alert (dedup_key = the incident id) for services with a
 * routing key: opened or reopened → trigger, acknowledged in Slack → acknowledge, resolved →
 * resolve. Only enqueues: the calls run as jobs, so PagerDuty being slow never holds Slack up.
 */
export class PagerDutyMirror {
  constructor(
    private readonly deps: {
      /** Services with `pagerduty.routingKey`. */
      mirrored: (service: string) => boolean;
      queue: PagerDutyEventQueue;
    },
  ) {}

  private applies(incident: Incident): boolean {
    return incident.service !== undefined && this.deps.mirrored(incident.service);
  }

  async handle(event: IncidentEvent): Promise<void> {
    if (!this.applies(event.incident)) return;
    const incidentId = event.incident.id;
    switch (event.type) {
      case 'opened':
        return this.deps.queue.enqueue({ incidentId, action: 'trigger', occurrence: 'opened' });
      case 'reopened':
        return this.deps.queue.enqueue({ incidentId, action: 'trigger', occurrence: `s${event.sequence}` });
      case 'resolved':
        return this.deps.queue.enqueue({ incidentId, action: 'resolve', occurrence: `s${event.sequence}` });
      default:
        return;
    }
  }

  /** An escalation level was acknowledged (`/incident ack` or the Acknowledge button). */
  async acknowledged(incident: Incident, level: number, at: string): Promise<void> {
    if (!this.applies(incident)) return;
    await this.deps.queue.enqueue({ incidentId: incident.id, action: 'acknowledge', occurrence: `l${level}-${at.replace(/\D/g, '')}` });
  }
}
