import type { Queue } from 'bullmq';
import { incidentEventId, type IncidentEvent } from '../../domain/incidents/events';
import type { IncidentEventBus } from '../../domain/incidents/ports';

/** Incident events become BullMQ jobs with deterministic ids: publishing twice is one job. */
export class BullIncidentEventBus implements IncidentEventBus {
  constructor(private readonly queue: Queue) {}

  async publish(event: IncidentEvent): Promise<void> {
    await this.queue.add(event.type, event, { jobId: incidentEventId(event) });
  }
}
