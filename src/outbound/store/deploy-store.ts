import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../lib/redis-connection';
import { deployDedupeKey, endsVersion, type Deploy, type NewDeploy } from '../../domain/deploys/model';
import type { DeployHistory, RecordedDeploy } from '../../domain/deploys/ports';
import type { RedisKeys } from '../../lib/keys';
import { spread } from './spread';

export interface DeployStoreOptions {
  /** How long deploys are kept, by their timestamp. Default 30 days. */
  retentionMs?: number;
  /** "Now" in epoch ms, for retention trimming. Default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_DEPLOY_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * Record one deploy. Dedupe keys live per (service, environment) and only for the version now being
 * deployed: a new version, or a failure or rollback, starts afresh, so a redeploy of the same
 * version after a rollback is a new deploy while a redelivery is not. All keys are the service's
 * (one Redis Cluster slot); the deploy document, by id, is written next (see `record`).
 * KEYS: dedupe hash, index zset, environments set.
 * ARGV: dedupe key, id, score ms, version, ends version (1|0), retention ms, cutoff ms, environment.
 */
const RECORD = `
local first = redis.call('HGET', KEYS[1], ARGV[1])
if first then return {first, 1} end
if redis.call('HGET', KEYS[1], '_version') ~= ARGV[4] or ARGV[5] == '1' then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], '_version', ARGV[4])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('SADD', KEYS[3], ARGV[8])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return {ARGV[2], 0}
`;

interface DeployScripts {
  firebreakRecordDeploy(...args: (string | number)[]): Promise<[string, number]>;
}

function withScripts(redis: RedisClient): RedisClient & DeployScripts {
  redis.defineCommand('firebreakRecordDeploy', { numberOfKeys: 3, lua: RECORD });
  return redis as RedisClient & DeployScripts;
}

const newestFirst = (a: Deploy, b: Deploy) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || b.id.localeCompare(a.id);

/** Deploys in Redis: a JSON string per deploy, a sorted set per (service, environment) by timestamp, a set of the service's environments. */
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
      this.keys.deploysByService(deploy.service, deploy.environment),
      this.keys.deployEnvironments(deploy.service),
      deployDedupeKey(deploy),
      stored.id,
      Date.parse(deploy.timestamp),
      deploy.version,
      endsVersion(deploy.status) ? '1' : '0',
      this.retentionMs,
      this.now() - this.retentionMs,
      deploy.environment,
    );
    // The document has its own slot. A redelivery writes it too (same id, NX), so a deploy whose
    // first recording stopped between the two steps is complete after the next one.
    await this.redis.set(this.keys.deploy(id), JSON.stringify({ ...stored, id }), 'PX', this.retentionMs, 'NX');
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
    // The service's indexes share a slot; the documents are spread by id.
    const environments = environment === undefined ? await this.redis.smembers(this.keys.deployEnvironments(service)) : [environment];
    const indexes = await spread(this.redis, (batch) => {
      for (const env of environments) batch.zrevrangebyscore(this.keys.deploysByService(service, env), max, min, 'LIMIT', 0, limit);
    });
    const ids = indexes.flatMap(([error, found]) => {
      if (error) throw error;
      return found as string[];
    });
    if (ids.length === 0) return [];
    const documents = await spread(this.redis, (batch) => {
      for (const id of ids) batch.get(this.keys.deploy(id));
    });
    const found = documents.flatMap(([error, json]) => {
      if (error) throw error;
      return typeof json === 'string' ? [json] : [];
    });
    return found.map((json) => JSON.parse(json) as Deploy).sort(newestFirst).slice(0, limit);
  }
}
