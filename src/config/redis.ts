import type { z } from 'zod';
import { parseHostPorts, type RedisTarget } from '../lib/redis-connection';

/** The environment keys that say where Redis is (see env.ts). */
export interface RedisEnv {
  REDIS_URL?: string;
  REDIS_CLUSTER_NODES?: string;
  REDIS_SENTINELS?: string;
  REDIS_SENTINEL_NAME?: string;
  REDIS_PASSWORD?: string;
  REDIS_SENTINEL_PASSWORD?: string;
}

const HOST_PORTS = 'must be host:port pairs separated by commas (e.g. redis-0:6379,redis-1:6379)';

/** Issues with the Redis keys taken together: one way to reach Redis at most, and what each needs. */
export function checkRedisEnv(env: RedisEnv, ctx: z.RefinementCtx): void {
  const issue = (path: keyof RedisEnv, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (env.REDIS_CLUSTER_NODES !== undefined && !parseHostPorts(env.REDIS_CLUSTER_NODES)) issue('REDIS_CLUSTER_NODES', HOST_PORTS);
  if (env.REDIS_SENTINELS !== undefined && !parseHostPorts(env.REDIS_SENTINELS)) issue('REDIS_SENTINELS', HOST_PORTS);
  const set = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((key) => env[key] !== undefined);
  if (set.length > 1) issue(set[1]!, `set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS (${set.join(' and ')} are set)`);
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_NAME === undefined) issue('REDIS_SENTINEL_NAME', 'is required with REDIS_SENTINELS: the master name the Sentinels monitor');
  if (env.REDIS_SENTINEL_NAME !== undefined && env.REDIS_SENTINELS === undefined) issue('REDIS_SENTINEL_NAME', 'is only used with REDIS_SENTINELS');
  if (env.REDIS_SENTINEL_PASSWORD !== undefined && env.REDIS_SENTINELS === undefined) issue('REDIS_SENTINEL_PASSWORD', 'is only used with REDIS_SENTINELS');
  if (env.REDIS_PASSWORD !== undefined && env.REDIS_CLUSTER_NODES === undefined && env.REDIS_SENTINELS === undefined) {
    issue('REDIS_PASSWORD', 'is for REDIS_CLUSTER_NODES or REDIS_SENTINELS; with REDIS_URL put it in the URL (redis://:password@host:6379)');
  }
}

/** Where the configured Redis is; undefined when none is set (the embedded redis-server then). Expects a checked env. */
export function redisTargetFromEnv(env: RedisEnv): RedisTarget | undefined {
  const password = env.REDIS_PASSWORD;
  if (env.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: parseHostPorts(env.REDIS_CLUSTER_NODES) ?? [], password };
  if (env.REDIS_SENTINELS) {
    return { kind: 'sentinel', sentinels: parseHostPorts(env.REDIS_SENTINELS) ?? [], name: env.REDIS_SENTINEL_NAME ?? '', password, sentinelPassword: env.REDIS_SENTINEL_PASSWORD };
  }
  if (env.REDIS_URL) return { kind: 'single', url: env.REDIS_URL };
  return undefined;
}
