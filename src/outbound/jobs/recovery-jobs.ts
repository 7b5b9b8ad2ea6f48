import type { Queue } from 'bullmq';
import { recoveryJobId, type RecoveryJob } from '../../domain/recovery/model';
import type { RecoveryScheduler } from '../../domain/recovery/ports';
import type { Clock } from '../../lib/clock';

/** A check or reminder whose post keeps failing (Slack down) retries with backoff for hours. */
const RECOVERY_ATTEMPTS = 15;

/**
 * Recovery checks and checklist reminders as BullMQ delayed jobs with deterministic ids
 * (`rcv-<action>-errorRate`): durable across restarts, one worker takes each, and scheduling twice
 * is one job (completed jobs are kept a day, so a late re-add is a no-op too).
 */
export class BullRecoveryScheduler implements RecoveryScheduler {
  constructor(
    private readonly queue: Queue,
    private readonly clock: Clock,
  ) {}

  async schedule(job: RecoveryJob, dueAt: number): Promise<void> {
    const delay = Math.max(0, dueAt - this.clock.now().getTime());
    await this.queue.add(job.kind, job, { jobId: recoveryJobId(job), delay, attempts: RECOVERY_ATTEMPTS });
  }
}
