import type { Queue } from 'bullmq';
import { tickJobId } from '../../domain/guard/model';
import type { GuardScheduler } from '../../domain/guard/ports';
import type { Clock } from '../../lib/clock';

/** A tick whose responder keeps failing (Slack down) is retried for about 15 minutes; later ticks carry on regardless. */
const TICK_ATTEMPTS = 10;

/** The data of a guard tick job. */
export interface GuardTickData {
  deployId: string;
  tick: number;
}

/**
 * Guard evaluations as chained BullMQ delayed jobs with deterministic ids: each tick schedules the
 * next, so a window survives restarts (an overdue tick runs as soon as a worker is back), and adding
 * a tick twice is one job (completed jobs are kept a day, so a late re-add is still a no-op).
 */
export class BullGuardScheduler implements GuardScheduler {
  constructor(
    private readonly queue: Queue,
    private readonly clock: Clock,
  ) {}

  async schedule(deployId: string, tick: number, dueAt: number): Promise<void> {
    const data: GuardTickData = { deployId, tick };
    const delay = Math.max(0, dueAt - this.clock.now().getTime());
    await this.queue.add('tick', data, { jobId: tickJobId(deployId, tick), delay, attempts: TICK_ATTEMPTS });
  }
}
