import type { Queue } from 'bullmq';
import type { PublishRequest } from '../../domain/status/model';
import type { PublishQueue } from '../../domain/status/ports';
import { keySafe } from '../../lib/keys';

/** The job id of one publication: the same click (Slack view id) is one job, however often it arrives. */
export function publishJobId(request: Pick<PublishRequest, 'incidentId' | 'requestId'>): string {
  return `spp-${keySafe(request.incidentId)}-${keySafe(request.requestId)}`;
}

export class BullPublishQueue implements PublishQueue {
  constructor(private readonly queue: Queue) {}

  async enqueue(request: PublishRequest): Promise<{ jobId: string; queued: boolean }> {
    const jobId = publishJobId(request);
    if (await this.queue.getJob(jobId)) return { jobId, queued: false };
    await this.queue.add('publish', request, { jobId, attempts: 8, backoff: { type: 'exponential', delay: 2000 } });
    return { jobId, queued: true };
  }
}
