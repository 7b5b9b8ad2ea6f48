import type { Queue } from 'bullmq';
import type { ActionQueue } from '../../domain/remediation/action-ports';
import { idempotencyKey, type ActionSpec } from '../../domain/remediation/model';

/** The backoff type remediation jobs use; the worker's backoffStrategy implements it (see retryDelayMs). */
export const REMEDIATION_BACKOFF = 'remediation';

/**
 * One BullMQ job per action run; its id is the action's idempotency key, so a second enqueue (a
 * retried request, a recovery) is the same job. Attempts and backoff come from the service's config.
 */
export class BullRemediationQueue implements ActionQueue {
  constructor(private readonly queue: Queue) {}

  async enqueue(spec: ActionSpec): Promise<void> {
    await this.queue.add(spec.kind, spec, {
      jobId: idempotencyKey(spec),
      attempts: spec.retry.attempts,
      backoff: { type: REMEDIATION_BACKOFF, delay: spec.retry.backoffMs },
    });
  }
}
