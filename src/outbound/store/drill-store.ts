import type { RedisClient } from '../../lib/redis-connection';
import { runbookTestSchema, type RunbookTest } from '../../domain/drills/model';
import type { RedisKeys } from '../../lib/keys';
import { RedisSteps } from './steps';

/** A drill's progress and each runbook's last test, in Redis (they survive restarts). */
export class RedisDrillStore {
  private readonly steps: RedisSteps;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    this.steps = new RedisSteps(redis, (incidentId, step) => keys.incidentStep(incidentId, `drill-${step}`));
  }

  /** Run `step` unless it already ran for this drill: a recorded step, like every incident post. */
  async once(incidentId: string, step: string, run: () => Promise<unknown>): Promise<void> {
    await this.steps.once(incidentId, step, async () => {
      await run();
    });
  }

  /** Claim a step for one caller only (two clicks on one dry-run button record one remediation). */
  async claim(incidentId: string, step: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.drill(incidentId, 'once'), step, new Date().toISOString())) === 1;
  }

  /** Replace the ticks of steps `range` with `ticked`, in one transaction. */
  async setTicks(incidentId: string, range: string[], ticked: string[]): Promise<void> {
    const key = this.keys.drill(incidentId, 'ticked');
    const multi = this.redis.multi();
    if (range.length > 0) multi.srem(key, ...range);
    if (ticked.length > 0) multi.sadd(key, ...ticked);
    await multi.exec();
  }

  ticked(incidentId: string): Promise<string[]> {
    return this.redis.smembers(this.keys.drill(incidentId, 'ticked'));
  }

  async recordTest(test: RunbookTest): Promise<void> {
    await this.redis.hset(this.keys.runbookTests(), test.runbook, JSON.stringify(test));
  }

  async lastTest(runbook: string): Promise<RunbookTest | undefined> {
    const raw = await this.redis.hget(this.keys.runbookTests(), runbook);
    if (!raw) return undefined;
    const parsed = runbookTestSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }
}
