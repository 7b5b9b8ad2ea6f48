import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../lib/redis-connection';
import { deployDedupeKey, endsVersion, type Deploy, type NewDeploy } from '../../domain/deploys/model';
import type { DeployHistory, RecordedDeploy } from '../../domain/deploys/ports';
import { keyPart, type RedisKeys } from '../../lib/keys';

export interface DeployStoreOptions {
  /** How long deploys are kept, by their timestamp. Default 30 days. */
  retentionMs?: number;
  /** "Now" in epoch ms, for retention trimming. Default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_DEPLOY_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * Record one deploy in one round trip. Dedupe keys live per (service, environment) and only for the
 * version now being deployed: a new version, or a failure or rollback, starts afresh, so a redeploy of
 * the same version after a rollback is a new deploy while a redelivery is not.
 * KEYS: dedupe hash, deploy, index zset, environments set.
 * ARGV: dedupe key, id, json, score ms, version, ends version (1|0), retention ms, cutoff ms, environment.
 */
const RECORD = `
local first = redis.call('HGET', KEYS[1], ARGV[1])
if first then return {first, 1} end
if redis.call('HGET', KEYS[1], '_version') ~= ARGV[5] or ARGV[6] == '1' then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], '_version', ARGV[5])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[7])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[8])
redis.call('PEXPIRE', KEYS[3], ARGV[7])
redis.call('SADD', KEYS[4], ARGV[9])
redis.call('PEXPIRE', KEYS[4], ARGV[7])
return {ARGV[2], 0}
`;

/**
 * Deploys in a score window of one environment, or of every environment the service has, in one
 * round trip (standalone Redis: the per-environment keys are built from the prefixes given).
 * KEYS: environments set. ARGV: index prefix, deploy prefix, max, min, limit, environment or "".
 */
const WINDOW = `
local environments = ARGV[6] ~= '' and {ARGV[6]} or redis.call('SMEMBERS', KEYS[1])
local found = {}
for _, environment in ipairs(environments) do
  local ids = redis.call('ZREVRANGEBYSCORE', ARGV[1] .. environment, ARGV[3], ARGV[4], 'LIMIT', 0, ARGV[5])
  for _, id in ipairs(ids) do
    local json = redis.call('GET', ARGV[2] .. id)
    if json then found[#found + 1] = json end
  end
end
return found
`;

interface DeployScripts {
  firebreakRecordDeploy(...args: (string | number)[]): Promise<[string, number]>;
  firebreakDeployWindow(...args: (string | number)[]): Promise<string[]>;
}

function withScripts(redis: RedisClient): RedisClient & DeployScripts {
  redis.defineCommand('firebreakRecordDeploy', { numberOfKeys: 4, lua: RECORD });
  redis.defineCommand('firebreakDeployWindow', { numberOfKeys: 1, lua: WINDOW, readOnly: true });
  return redis as RedisClient & DeployScripts;
}

const newestFirst = (a: Deploy, b: Deploy) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || b.id.localeCompare(a.id);

/** Deploys in Redis: a JSON string per deploy, a sorted set per (service, environment) by timestamp. */
export class RedisDeployStore implements DeployHistory {
  private readonly redis: RedisClient & DeployScripts;
  private readonly retentionMs: number;
  private readonly now: () => number;

  constructor(redis: RedisClient, private readonly keys: RedisKeys, options: DeployStoreOptions = {}) {
    this.redis = withScripts(redis);
    this.retentionMs = options.retentionMs ?? DEFAULT_DEPLOY_RETENTION_MS;
    this.now = options.now ?? Date.now;
  }

  async record(deploy: NewDeploy): Promise<RecordedDeploy> {
    const stored: Deploy = { id: randomUUID(), ...deploy };
    const [id, duplicate] = await this.redis.firebreakRecordDeploy(
      this.keys.deployDedupeFor(deploy.service, deploy.environment),
      this.keys.deploy(stored.id),
      this.keys.deploysByService(deploy.service, deploy.environment),
      this.keys.deployEnvironments(deploy.service),
      deployDedupeKey(deploy),
      stored.id,
      JSON.stringify(stored),
      Date.parse(deploy.timestamp),
      deploy.version,
      endsVersion(deploy.status) ? '1' : '0',
      this.retentionMs,
      this.now() - this.retentionMs,
      keyPart(deploy.environment), // as it appears in the index key, which WINDOW rebuilds from it
    );
    return { id, duplicate: duplicate === 1 };
  }

  async before(service: string, environment: string | undefined, atMs: number, sinceMs: number, limit: number): Promise<Deploy[]> {
    return this.window(service, environment, atMs, sinceMs, limit);
  }

  async latest(service: string, environment: string): Promise<Deploy | undefined> {
    const [deploy] = await this.window(service, environment, '+inf', '-inf', 1);
    return deploy;
  }

  async get(id: string): Promise<Deploy | undefined> {
    const json = await this.redis.get(this.keys.deploy(id));
    return json ? (JSON.parse(json) as Deploy) : undefined;
  }

  private async window(
    service: string,
    environment: string | undefined,
    max: number | string,
    min: number | string,
    limit: number,
  ): Promise<Deploy[]> {
    if (limit <= 0) return [];
    const found = await this.redis.firebreakDeployWindow(
      this.keys.deployEnvironments(service),
      this.keys.deploysByService(service, ''),
      this.keys.deploy(''),
      max,
      min,
      limit,
      environment === undefined ? '' : keyPart(environment),
    );
    return found.map((json) => JSON.parse(json) as Deploy).sort(newestFirst).slice(0, limit);
  }
}
