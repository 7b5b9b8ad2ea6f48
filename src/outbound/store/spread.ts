import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '../../lib/redis-connection';

export type Reply = [Error | null, unknown];

/** True for an ioredis Cluster client (its `isCluster`), false for one Redis. */
export const isCluster = (redis: unknown): boolean => (redis as { isCluster?: boolean }).isCluster === true;

/**
 * Independent commands in one round trip, with a pipeline's replies ([error, result] each, in order).
 * On one Redis that is a pipeline. A Redis Cluster client refuses a pipeline whose keys live on
 * different nodes, so there each command is sent on its own, all at once (ioredis writes them back
 * to back, and batches them per node with `enableAutoPipelining`). Never for commands that must be
 * atomic together: that is a Lua script on keys of one slot.
 */
export async function spread(redis: RedisClient, build: (batch: ChainableCommander) => void): Promise<Reply[]> {
  if (!isCluster(redis)) {
    const pipeline = redis.pipeline();
    build(pipeline);
    return ((await pipeline.exec()) ?? []) as Reply[];
  }
  const calls: [string, unknown[]][] = [];
  const recorder: ChainableCommander = new Proxy({} as ChainableCommander, {
    get: (_target, name) => (...args: unknown[]) => {
      calls.push([String(name), args]);
      return recorder;
    },
  });
  build(recorder);
  const client = redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const settled = await Promise.allSettled(calls.map(([name, args]) => client[name]!(...args)));
  return settled.map((outcome): Reply => (outcome.status === 'fulfilled' ? [null, outcome.value] : [outcome.reason as Error, null]));
}
