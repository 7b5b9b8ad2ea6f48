import type { RedisClient } from '../../lib/redis-connection';
import type { ActionStore, ClaimResult } from '../../domain/remediation/action-ports';
import {
  actionProgressSchema,
  actionSpecSchema,
  type ActionProgress,
  type ActionRecord,
  type ActionSpec,
  type ActionState,
} from '../../domain/remediation/model';
import type { RedisKeys } from '../../lib/keys';

/**
 * Claim an action. Another context's action holding the same target in a blocking state wins
 * ('conflict'); an existing action that has not failed wins ('taken'); otherwise this click creates
 * the action, or starts a new run of a failed one, in state queued. The holder read beforehand is
 * passed as a key (a script names every key it uses, for Redis Cluster); if another took the target
 * meanwhile the script answers 'moved' and the claim is tried again with the new holder.
 * KEYS: action hash, target key, holder's action hash. ARGV: action id, holder id read ('' none),
 * "|blocking|states|", spec json, progress json, ttl ms.
 */
const CLAIM = `
local holder = redis.call('GET', KEYS[2]) or ''
if holder ~= ARGV[2] then return {'moved', holder, '0'} end
if holder ~= '' and holder ~= ARGV[1] then
  local held = redis.call('HGET', KEYS[3], 'state')
  if held and string.find(ARGV[3], '|' .. held .. '|', 1, true) then return {'conflict', holder, '0'} end
end
local state = redis.call('HGET', KEYS[1], 'state')
if state and state ~= 'failed' then return {'taken', ARGV[1], '0'} end
local run = redis.call('HINCRBY', KEYS[1], 'run', 1)
redis.call('HDEL', KEYS[1], 'statusTs', 'statusPoster')
redis.call('HSET', KEYS[1], 'spec', ARGV[4], 'state', 'queued', 'progress', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[6])
return {'claimed', ARGV[1], tostring(run)}
`;

/** Tries of a claim whose target changed hands between the read and the script (one is the usual). */
const CLAIM_TRIES = 20;

/** Write fields only while `run` is still the action's run (a stale job never clobbers a new run). KEYS: hash. ARGV: run, field, value… */
const SET_IF_RUN = `
if redis.call('HGET', KEYS[1], 'run') ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`;

/**
 * The run's status message is posted by whoever asks first (see StatusMessage); never when one is
 * recorded already (posted by a release that did not claim). KEYS: hash. ARGV: run, who.
 */
const CLAIM_STATUS_POST = `
if redis.call('HGET', KEYS[1], 'run') ~= ARGV[1] or redis.call('HEXISTS', KEYS[1], 'statusTs') == 1 then return 0 end
return redis.call('HSETNX', KEYS[1], 'statusPoster', ARGV[2])
`;

interface ActionScripts {
  firebreakClaimAction(...args: (string | number)[]): Promise<[string, string, string]>;
  firebreakSetIfRun(...args: (string | number)[]): Promise<number>;
  firebreakClaimStatusPost(...args: (string | number)[]): Promise<number>;
}

const specWithoutRun = actionSpecSchema.omit({ run: true });

/** Remediation actions in Redis: one hash per action id, kept for the retention period. */
export class RedisActionStore implements ActionStore {
  private readonly scripts: ActionScripts;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly options: { retentionMs: number },
  ) {
    if (!('firebreakClaimAction' in redis)) {
      redis.defineCommand('firebreakClaimAction', { numberOfKeys: 3, lua: CLAIM });
      redis.defineCommand('firebreakSetIfRun', { numberOfKeys: 1, lua: SET_IF_RUN });
      redis.defineCommand('firebreakClaimStatusPost', { numberOfKeys: 1, lua: CLAIM_STATUS_POST });
    }
    this.scripts = redis as unknown as ActionScripts;
  }

  async claim(spec: Omit<ActionSpec, 'run'>, targetKey: string, blocking: readonly ActionState[]): Promise<ClaimResult> {
    const progress: ActionProgress = { state: 'queued', attempt: 0 };
    const target = this.keys.actionTarget(targetKey);
    let [outcome, holder, run] = ['moved', (await this.redis.get(target)) ?? '', '0'];
    for (let tries = 0; outcome === 'moved'; tries += 1) {
      if (tries === CLAIM_TRIES) throw new Error(`target ${targetKey} kept changing hands while action ${spec.id} was claimed`);
      [outcome, holder, run] = await this.scripts.firebreakClaimAction(
        this.keys.action(spec.id),
        target,
        this.keys.action(holder),
        spec.id,
        holder,
        `|${blocking.join('|')}|`,
        JSON.stringify(spec),
        JSON.stringify(progress),
        this.options.retentionMs,
      );
    }
    if (outcome === 'claimed') return { outcome, record: { spec: { ...spec, run: Number(run) }, progress } };
    const record = await this.get(holder);
    if (!record) throw new Error(`action ${holder} vanished while being claimed`);
    return { outcome: outcome === 'conflict' ? 'conflict' : 'taken', record };
  }

  async get(id: string): Promise<ActionRecord | undefined> {
    const fields = await this.redis.hgetall(this.keys.action(id));
    if (!fields.spec || !fields.progress || !fields.run) return undefined;
    const spec = specWithoutRun.parse(JSON.parse(fields.spec));
    const progress = actionProgressSchema.parse(JSON.parse(fields.progress));
    return { spec: { ...spec, run: Number(fields.run) }, progress, statusTs: fields.statusTs || undefined };
  }

  async saveProgress(id: string, run: number, progress: ActionProgress): Promise<void> {
    await this.scripts.firebreakSetIfRun(this.keys.action(id), run, 'state', progress.state, 'progress', JSON.stringify(progress));
  }

  async claimStatusPost(id: string, run: number, by: 'clicker' | 'worker'): Promise<boolean> {
    return (await this.scripts.firebreakClaimStatusPost(this.keys.action(id), run, by)) === 1;
  }

  async setStatusTs(id: string, run: number, ts: string): Promise<void> {
    await this.scripts.firebreakSetIfRun(this.keys.action(id), run, 'statusTs', ts);
  }
}
