import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { PagerDutyEventJob, PagerDutyEventQueue } from '../../domain/oncall/pagerduty-mirror';
import type { Clock } from '../../lib/clock';
import { keySafe } from '../../lib/keys';

export const handoffJobSchema = z.object({ rotation: z.string().min(1), at: z.iso.datetime() });
export type HandoffJob = z.infer<typeof handoffJobSchema>;

/** PagerDuty calls: about 4 hours of exponential retries from 2 s before the failure is reported. */
export const PAGERDUTY_ATTEMPTS = 12;

export const handoffJobId = (rotation: string, at: Date) => `handoff-${keySafe(rotation)}-${at.getTime()}`;
export const pagerdutyJobId = (job: PagerDutyEventJob) => `pd-${keySafe(job.incidentId)}-${job.action}-${keySafe(job.occurrence)}`;

/** The `oncall` queue: delayed handoff jobs and PagerDuty event jobs, each with a deterministic id. */
export class BullOncallJobs implements PagerDutyEventQueue {
  constructor(
    private readonly queue: Queue,
    private readonly clock: Clock,
  ) {}

  async scheduleHandoff(rotation: string, at: Date): Promise<void> {
    const data: HandoffJob = { rotation, at: at.toISOString() };
    await this.queue.add('handoff', data, { jobId: handoffJobId(rotation, at), delay: Math.max(0, at.getTime() - this.clock.now().getTime()) });
  }

  async enqueue(job: PagerDutyEventJob): Promise<void> {
    await this.queue.add('pagerduty', job, { jobId: pagerdutyJobId(job), attempts: PAGERDUTY_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 } });
  }
}
