import type { Redis } from 'ioredis';
import type { RecoverySteps } from '../../domain/recovery/ports';
import type { RedisKeys } from '../../lib/keys';
import { RedisSteps, STEP_DONE_SECONDS, type StepOptions } from './steps';

/** A value under a step's key, so it can never be taken for the step's own state. */
const KEPT = 'kept-';

/**
 * The recovery watch's steps on the shared step store (claim with a lease, done once), values kept
 * once (SET NX: the first verdict wins) and the post-rollback checklist's ticks.
 */
export class RedisRecoverySteps implements RecoverySteps {
  private readonly steps: RedisSteps;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    options: StepOptions = {},
  ) {
    this.steps = new RedisSteps(redis, keys.recoveryStep, options);
  }

  once(watch: string, step: string, action: () => Promise<void>): Promise<boolean> {
    return this.steps.once(watch, step, action);
  }

  async keep(watch: string, name: string, value: string): Promise<string> {
    const key = this.keys.recoveryStep(watch, `${KEPT}${name}`);
    // SET … NX GET (Redis ≥ 7): set unless set, and answer what was there.
    const previous = (await this.redis.call('SET', key, value, 'EX', String(STEP_DONE_SECONDS), 'NX', 'GET')) as string | null;
    return previous ?? value;
  }

  /** Whether the watch's checklist was posted (a tick names a watch the server knows). */
  async checklistPosted(watch: string): Promise<boolean> {
    return (await this.steps.state(watch, 'checklist')) === 'done';
  }

  async ticked(watch: string): Promise<string[]> {
    return (await this.redis.smembers(this.keys.recoveryChecklist(watch))).sort();
  }

  /** One phase's boxes as Slack sent them: its items replaced by the selected ones, atomically. */
  async setTicked(watch: string, phaseItems: string[], selected: string[]): Promise<void> {
    const key = this.keys.recoveryChecklist(watch);
    const multi = this.redis.multi();
    if (phaseItems.length > 0) multi.srem(key, ...phaseItems);
    if (selected.length > 0) multi.sadd(key, ...selected);
    multi.expire(key, STEP_DONE_SECONDS);
    await multi.exec();
  }
}
