import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A connection to Redis: one server (or a Sentinel-managed master), or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

/** Where Redis is: one URL, the seed nodes of a Redis Cluster, or Sentinels and a master name. */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: HostPort[]; password?: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; password?: string; sentinelPassword?: string };

/**
 * What a connection is for:
 * - `commands`: stores and scripts; a command fails after 2 retries so an HTTP request answers 503;
 *   auto-pipelined: commands issued in one tick (by many requests) go out in one write per node;
 * - `producer`: adds jobs; fails at once while Redis is down (no offline queue);
 * - `bullmq`: workers and their blocking reads; retries forever (`maxRetriesPerRequest: null`), as BullMQ requires.
 */
export type ConnectionPurpose = 'commands' | 'producer' | 'bullmq';

const PURPOSE: Record<ConnectionPurpose, { maxRetriesPerRequest: number | null; enableOfflineQueue: boolean; enableAutoPipelining: boolean }> = {
  commands: { maxRetriesPerRequest: 2, enableOfflineQueue: true, enableAutoPipelining: true },
  producer: { maxRetriesPerRequest: 2, enableOfflineQueue: false, enableAutoPipelining: false },
  bullmq: { maxRetriesPerRequest: null, enableOfflineQueue: true, enableAutoPipelining: false },
};

/** `host:port,host:port` (IPv6 hosts in brackets); undefined when any entry is not one. */
export function parseHostPorts(text: string): HostPort[] | undefined {
  const entries = text.split(',').map((entry) => entry.trim());
  const nodes: HostPort[] = [];
  for (const entry of entries) {
    const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) return undefined;
    nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
  }
  return nodes.length > 0 ? nodes : undefined;
}

/**
 * After a Sentinel failover the old master comes back as a replica: a write that reaches it gets
 * READONLY. Reconnect (Sentinel names the new master) and send the command again.
 */
const reconnectOnReadOnly = (err: Error): 2 | false => (err.message.startsWith('READONLY') ? 2 : false);

/** The one place a Redis connection is made. */
export function connectRedis(target: RedisTarget, purpose: ConnectionPurpose, extra: RedisOptions = {}): RedisClient {
  const { maxRetriesPerRequest, enableOfflineQueue, enableAutoPipelining } = PURPOSE[purpose];
  switch (target.kind) {
    case 'single':
      return new Redis(target.url, { maxRetriesPerRequest, enableOfflineQueue, enableAutoPipelining, ...extra });
    case 'sentinel':
      return new Redis({
        sentinels: target.sentinels,
        name: target.name,
        password: target.password,
        sentinelPassword: target.sentinelPassword,
        // No failoverDetector: its Sentinel subscriptions outlive quit(). A failover is noticed anyway:
        // Sentinel kills the demoted master's clients (CLIENT KILL TYPE normal), a killed master drops
        // the socket, and a write that still reaches a replica reconnects (READONLY below).
        reconnectOnError: reconnectOnReadOnly,
        maxRetriesPerRequest,
        enableOfflineQueue,
        enableAutoPipelining,
        ...extra,
      });
    case 'cluster': {
      const options: ClusterOptions = {
        enableOfflineQueue,
        enableAutoPipelining,
        // Reads and writes go to masters: a replica may be behind, and every store reads its own writes.
        scaleReads: 'master',
        // While a master fails over, MOVED/CLUSTERDOWN answers are retried until the replica takes its slots.
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 300,
        retryDelayOnTryAgain: 200,
        maxRedirections: 32,
        slotsRefreshTimeout: 2000,
        // A node that died mid-reply leaves a socket that never closes: drop it after 500 ms, not 2 s.
        redisOptions: { maxRetriesPerRequest, password: target.password, disconnectTimeout: 500, ...extra },
      };
      return new Cluster(target.nodes, options);
    }
  }
}

/** A short description for logs, without passwords. */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: HostPort[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  switch (target.kind) {
    case 'single':
      return target.url.replace(/\/\/[^@/]*@/, '//');
    case 'cluster':
      return `Redis Cluster ${list(target.nodes)}`;
    case 'sentinel':
      return `Sentinel master "${target.name}" via ${list(target.sentinels)}`;
  }
}
