import type { RedisClient } from '../../lib/redis-connection';
import type { Override } from '../../domain/oncall/model';
import type { OverrideStore } from '../../domain/oncall/ports';
import type { RedisKeys } from '../../lib/keys';
import { RedisSteps, STEP_DONE_SECONDS, type StepOptions } from './steps';

/** Audit entries kept (newest first). */
const AUDIT_LENGTH = 1000;

/**
 * Overrides per rotation in a sorted set scored by their end, so ended ones are dropped cheaply;
 * each one is also pushed to the audit list in the same transaction.
 */
export class RedisOverrideStore implements OverrideStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async add(override: Override): Promise<void> {
    const entry = JSON.stringify(override);
    await this.redis
      .multi()
      .zadd(this.keys.oncallOverrides(override.rotation), Date.parse(override.until), entry)
      .lpush(this.keys.oncallAudit(), JSON.stringify({ kind: 'override', ...override }))
      .ltrim(this.keys.oncallAudit(), 0, AUDIT_LENGTH - 1)
      .exec();
  }

  async list(rotation: string, now: Date): Promise<Override[]> {
    const key = this.keys.oncallOverrides(rotation);
    // Ended a day ago or more: nobody asks about them any more.
    await this.redis.zremrangebyscore(key, '-inf', now.getTime() - 86_400_000);
    const entries = await this.redis.zrangebyscore(key, `(${now.getTime()}`, '+inf');
    return entries.map((entry) => JSON.parse(entry) as Override);
  }

  /** The audit, newest first. */
  async audit(limit = 50): Promise<Record<string, unknown>[]> {
    return (await this.redis.lrange(this.keys.oncallAudit(), 0, limit - 1)).map((e) => JSON.parse(e) as Record<string, unknown>);
  }
}

/**
 * A step of an on-call job done once (the shared step store, steps.ts): claimed while it runs,
 * released when it fails, remembered a week once done; one Slack refuses for good is given up.
 */
export class RedisOncallSteps {
  private readonly steps: RedisSteps;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    options: StepOptions = {},
  ) {
    this.steps = new RedisSteps(redis, (_scope, step) => keys.oncallStep(step), options);
  }

  once(step: string, action: () => Promise<void>): Promise<boolean> {
    return this.steps.once('oncall', step, action);
  }

  async done(step: string): Promise<boolean> {
    return (await this.redis.get(this.keys.oncallStep(step))) === 'done';
  }

  async mark(step: string): Promise<void> {
    await this.redis.set(this.keys.oncallStep(step), 'done', 'EX', STEP_DONE_SECONDS);
  }
}
