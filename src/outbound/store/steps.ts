import type { RedisClient } from '../../lib/redis-connection';

/** How long a step may run before another attempt may take it over (a crashed worker's lease). */
export const STEP_LEASE_MS = 60_000;
/** How long a finished (or given-up) step is remembered: longer than any retry of the job that ran it. */
export const STEP_DONE_SECONDS = 7 * 24 * 3600;

const RUNNING = 'running';
const DONE = 'done';
const FAILED = 'failed';

/** A step is running in another attempt; retrying later either finds it done or takes it over. */
export class StepInProgressError extends Error {
  constructor(readonly step: string) {
    super(`step ${step} is running elsewhere; retry later`);
    this.name = 'StepInProgressError';
  }
}

/** A step given up for good: the error retrying cannot fix, and its short code. */
export interface StepGivenUp {
  scope: string;
  step: string;
  code: string;
  error: unknown;
}

export interface StepOptions {
  /**
   * How long a claim holds before another attempt may take the step over (default STEP_LEASE_MS).
   * Only a job taken over after a crash meets a claim, so about the job's lock duration will do.
   */
  leaseMs?: number;
  /** The short code of an error retrying cannot fix (the step is then given up), else undefined. */
  permanent?: (error: unknown) => string | undefined;
  /** Told once per given-up step, by the attempt that gave it up (log, count, tell people). */
  givenUp?: (failure: StepGivenUp) => Promise<void>;
}

/**
 * Side effects that must happen once (a post, a topic, a DM), each a key in Redis: claimed with a
 * lease while it runs, `done` once it happened, `failed` once given up for good. A transient failure
 * releases the claim so the job's retry runs the step again; a finished or given-up step is skipped,
 * so a retry resumes after the last step that happened. A permanent failure never throws: the other
 * steps go on.
 */
export class RedisSteps {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: (scope: string, step: string) => string,
    private readonly options: StepOptions = {},
  ) {}

  /** Run `action` unless the step already ran or was given up; true when it ran now. */
  async once(scope: string, step: string, action: () => Promise<void>): Promise<boolean> {
    const key = this.key(scope, step);
    const claimed = await this.redis.set(key, RUNNING, 'PX', this.options.leaseMs ?? STEP_LEASE_MS, 'NX');
    if (claimed !== 'OK') {
      if ((await this.redis.get(key)) === RUNNING) throw new StepInProgressError(step);
      return false;
    }
    try {
      await action();
    } catch (error) {
      const code = this.options.permanent?.(error);
      if (code === undefined) {
        await this.redis.del(key);
        throw error;
      }
      await this.redis.set(key, `${FAILED} ${code}`, 'EX', STEP_DONE_SECONDS);
      await this.options.givenUp?.({ scope, step, code, error });
      return false;
    }
    await this.redis.set(key, DONE, 'EX', STEP_DONE_SECONDS);
    return true;
  }

  /** Where a step stands: undefined (never ran, or its lease lapsed), running, done or given up. */
  async state(scope: string, step: string): Promise<'running' | 'done' | 'failed' | undefined> {
    const value = await this.redis.get(this.key(scope, step));
    if (value === RUNNING || value === DONE) return value;
    return value?.startsWith(FAILED) ? 'failed' : undefined;
  }
}
