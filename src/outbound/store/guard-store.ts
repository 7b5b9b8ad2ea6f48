import type { RedisClient } from '../../lib/redis-connection';
import { guardWindowSchema, type GuardWindow, type WatchPointer } from '../../domain/guard/model';
import type { GuardStore } from '../../domain/guard/ports';
import type { RedisKeys } from '../../lib/keys';

/** Make ARGV[1] the watched deploy unless the current one is another, later deploy. */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current then
  local p = cjson.decode(current)
  if p.deployId ~= ARGV[2] and tonumber(p.deployedAt) > tonumber(ARGV[3]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
return 1
`;

/** Delete the pointer only while it still names ARGV[1]. */
const RELEASE = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).deployId == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

/** Claim a step: absent, or left `posting` by a process that died more than ARGV[3] ms ago. */
const CLAIM_STEP = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local since = string.match(current, '^posting:(%d+)$')
  if not since or tonumber(since) > tonumber(ARGV[2]) - tonumber(ARGV[3]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], 'posting:' .. ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

interface GuardScripts {
  firebreakGuardClaim(key: string, pointer: string, deployId: string, deployedAt: number, ttlMs: number): Promise<number>;
  firebreakGuardRelease(key: string, deployId: string): Promise<number>;
  firebreakGuardClaimStep(key: string, step: string, nowMs: number, staleMs: number, ttlMs: number): Promise<number>;
}

/** A step claimed this long ago and neither finished nor released was left by a process that died. */
const STALE_CLAIM_MS = 60_000;

/**
 * Guard windows in Redis: the pointer per service (which deploy is watched; swapped atomically), a
 * JSON window per deploy, and a hash of the steps done once per deploy (`posting:<ms>` while one
 * is under way). Kept for the retention period
 * so a guard proposal can still be described when its Rollback button is pressed late.
 */
export class RedisGuardStore implements GuardStore {
  private readonly redis: RedisClient & GuardScripts;

  constructor(
    redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly options: { retentionMs: number },
  ) {
    redis.defineCommand('firebreakGuardClaim', { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand('firebreakGuardRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('firebreakGuardClaimStep', { numberOfKeys: 1, lua: CLAIM_STEP });
    this.redis = redis as RedisClient & GuardScripts;
  }

  async window(deployId: string): Promise<GuardWindow | undefined> {
    const raw = await this.redis.get(this.keys.guardWindow(deployId));
    return raw ? guardWindowSchema.parse(JSON.parse(raw)) : undefined;
  }

  async saveWindow(window: GuardWindow): Promise<void> {
    await this.redis.set(this.keys.guardWindow(window.deployId), JSON.stringify(window), 'PX', this.options.retentionMs);
  }

  async watching(service: string): Promise<WatchPointer | undefined> {
    const raw = await this.redis.get(this.keys.guard(service));
    return raw ? (JSON.parse(raw) as WatchPointer) : undefined;
  }

  async claimWatch(service: string, pointer: WatchPointer): Promise<boolean> {
    const claimed = await this.redis.firebreakGuardClaim(this.keys.guard(service), JSON.stringify(pointer), pointer.deployId, pointer.deployedAt, this.options.retentionMs);
    return claimed === 1;
  }

  async releaseWatch(service: string, deployId: string): Promise<void> {
    await this.redis.firebreakGuardRelease(this.keys.guard(service), deployId);
  }

  async step(deployId: string, step: string): Promise<string | undefined> {
    const value = (await this.redis.hget(this.keys.guardSteps(deployId), step)) ?? undefined;
    return value?.startsWith('posting:') ? 'posting' : value;
  }

  async claimStep(deployId: string, step: string): Promise<boolean> {
    const claimed = await this.redis.firebreakGuardClaimStep(this.keys.guardSteps(deployId), step, Date.now(), STALE_CLAIM_MS, this.options.retentionMs);
    return claimed === 1;
  }

  async finishStep(deployId: string, step: string, value: string): Promise<void> {
    const key = this.keys.guardSteps(deployId);
    await this.redis.multi().hset(key, step, value).pexpire(key, this.options.retentionMs).exec();
  }

  async releaseStep(deployId: string, step: string): Promise<void> {
    await this.redis.hdel(this.keys.guardSteps(deployId), step);
  }
}
