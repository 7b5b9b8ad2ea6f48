import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisTarget } from '../../src/lib/redis-connection';
import { command, freeRedisPort, info, requireRedisTools, spawnRedis, waitUntil, type RedisProcess } from './redis-processes';

export const SENTINEL_MASTER_NAME = 'firebreak';

/** A master, its replica and Sentinels watching them, on loopback in a temp dir. */
export interface RedisSentinelHandle {
  /** The data nodes: [first master, first replica]. After a failover their roles are swapped. */
  servers: RedisProcess[];
  sentinels: RedisProcess[];
  target: RedisTarget;
  dir: string;
  /** The port the Sentinels name as master now. */
  masterPort(): Promise<number>;
  /**
   * Fail over: `kill` SIGKILLs the master (the Sentinels notice after down-after-milliseconds),
   * `command` asks for `SENTINEL FAILOVER`. Resolves when the replica is master and the Sentinels say so.
   */
  failover(how: 'kill' | 'command'): Promise<{ from: number; to: number }>;
  stop(): Promise<void>;
}

/** Replicas a Sentinel knows as up and linked to their master. */
async function healthyReplicas(sentinelPort: number): Promise<number> {
  const replicas = (await command(sentinelPort, 'SENTINEL', 'REPLICAS', SENTINEL_MASTER_NAME)) as string[][];
  return replicas.filter((fields) => {
    const map = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
    return map.get('flags') === 'slave' && map.get('master-link-status') === 'ok';
  }).length;
}

const serverArgs = (port: number, dir: string) => [
  '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes',
  '--appendonly', 'yes', '--appendfilename', `appendonly-${port}.aof`, '--appenddirname', `aof-${port}`,
  '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction',
];

/** Start a master, one replica and `sentinels` (default 1) Sentinels with quorum 1 and a 1 s down-after. */
export async function startRedisSentinel(options: { sentinels?: number } = {}): Promise<RedisSentinelHandle> {
  requireRedisTools();
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-sentinel-'));
  const taken = new Set<number>();
  const servers: RedisProcess[] = [];
  const sentinels: RedisProcess[] = [];
  const count = options.sentinels ?? 1;
  const sentinelPorts: number[] = [];
  for (let i = 0; i < count; i++) sentinelPorts.push(await freeRedisPort(taken));
  const handle: RedisSentinelHandle = {
    servers,
    sentinels,
    dir,
    target: { kind: 'sentinel', name: SENTINEL_MASTER_NAME, sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })) },
    async masterPort() {
      const [, port] = (await command(sentinels[0]!.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME)) as [string, string];
      return Number(port);
    },
    async failover(how) {
      const from = await handle.masterPort();
      const to = servers.find((s) => s.port !== from)!.port;
      if (how === 'kill') await servers.find((s) => s.port === from)!.kill();
      else {
        await waitUntil('a Sentinel sees a replica to promote', async () => (await healthyReplicas(sentinels[0]!.port)) >= 1, 15_000);
        await command(sentinels[0]!.port, 'SENTINEL', 'FAILOVER', SENTINEL_MASTER_NAME);
      }
      await waitUntil(`the Sentinels promote ${to}`, async () => {
        const named = await Promise.all(sentinels.map(async (s) => ((await command(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME)) as string[])[1]));
        return named.every((p) => Number(p) === to) && (await info(to, 'replication')).role === 'master';
      }, 30_000);
      // SENTINEL FAILOVER leaves the old master running: wait until the Sentinels made it the new master's replica.
      if (how === 'command') {
        await waitUntil(`${from} replicates ${to}`, async () => {
          const state = await info(from, 'replication');
          return state.role === 'slave' && state.master_port === String(to) && state.master_link_status === 'up';
        }, 30_000);
      }
      return { from, to };
    },
    async stop() {
      await Promise.all([...sentinels, ...servers].map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    const masterPort = await freeRedisPort(taken);
    const replicaPort = await freeRedisPort(taken);
    servers.push(await spawnRedis(masterPort, serverArgs(masterPort, dir)));
    servers.push(await spawnRedis(replicaPort, [...serverArgs(replicaPort, dir), '--replicaof', '127.0.0.1', String(masterPort)]));
    await waitUntil('the replica is in sync', async () => (await info(replicaPort, 'replication')).master_link_status === 'up', 15_000);
    for (const port of sentinelPorts) {
      // Sentinel rewrites its config file: one writable file each.
      const conf = join(dir, `sentinel-${port}.conf`);
      writeFileSync(conf, [
        `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'protected-mode yes',
        `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`, '',
      ].join('\n'));
      sentinels.push(await spawnRedis(port, [conf, '--sentinel']));
    }
    await waitUntil('the Sentinels see a healthy replica (one they could promote)', async () => {
      const seen = await Promise.all(sentinels.map((s) => healthyReplicas(s.port)));
      return seen.every((n) => n >= 1);
    }, 15_000);
    return handle;
  } catch (error) {
    await handle.stop();
    throw error;
  }
}
