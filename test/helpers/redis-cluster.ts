import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisTarget } from '../../src/lib/redis-connection';
import { command, freeRedisPort, info, requireRedisTools, spawnRedis, waitUntil, type RedisProcess } from './redis-processes';

/** A real Redis Cluster of redis-server processes on loopback, in a temp dir. */
export interface RedisClusterHandle {
  /** Every node, masters first as created (a failover changes who is master: ask `masters()`). */
  nodes: RedisProcess[];
  target: RedisTarget;
  dir: string;
  /** The current masters: port and the slot ranges each serves. */
  masters(): Promise<{ port: number; slots: [number, number][] }[]>;
  /** The port of the node serving `slot` as master. */
  masterOf(slot: number): Promise<number>;
  /** The port of the replica of the master at `port` (one replica each with `replicas: 1`). */
  replicaOf(port: number): Promise<number>;
  /** Until the replica of every master has everything the master has (replication is asynchronous). */
  waitReplicated(timeoutMs?: number): Promise<void>;
  /** Until every live node says cluster_state:ok and agrees on the masters. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  masters?: number;
  /** Replicas per master (0 or 1 here): with 1, a killed master's replica takes over. */
  replicas?: number;
  /** How long a node may be unreachable before it is failed (and its replica promoted). */
  nodeTimeoutMs?: number;
}

interface NodeLine {
  id: string;
  port: number;
  flags: string[];
  masterId: string;
  slots: [number, number][];
}

function parseNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.trim().split(' ');
      return {
        id: id!,
        port: Number(address!.split('@')[0]!.split(':').pop()),
        flags: flags!.split(','),
        masterId: masterId!,
        slots: slots.filter((s) => !s.startsWith('[')).map((s) => {
          const [from, to] = s.split('-').map(Number);
          return [from!, to ?? from!] as [number, number];
        }),
      };
    });
}

/** A master serving slots and not suspected down (flags `fail` or `fail?`). */
const servingMaster = (n: NodeLine) => n.flags.includes('master') && !n.flags.some((f) => f.startsWith('fail')) && n.slots.length > 0;

function runCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const cli = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    cli.stdout.on('data', (c: Buffer) => void (output += c.toString()));
    cli.stderr.on('data', (c: Buffer) => void (output += c.toString()));
    cli.once('error', reject);
    cli.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli ${args.join(' ')} failed (${code}):\n${output}`))));
  });
}

/**
 * Start `masters` (default 3) redis-server nodes with `--cluster-enabled yes` (plus `replicas` per
 * master), join them with `redis-cli --cluster create`, and wait until the cluster is ok.
 */
export async function startRedisCluster(options: ClusterOptions = {}): Promise<RedisClusterHandle> {
  requireRedisTools();
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const nodeTimeout = options.nodeTimeoutMs ?? 1500;
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < masters * (1 + replicas); i++) ports.push(await freeRedisPort(taken));
  const nodes: RedisProcess[] = [];
  const handle: RedisClusterHandle = {
    nodes,
    dir,
    target: { kind: 'cluster', nodes: ports.slice(0, masters).map((port) => ({ host: '127.0.0.1', port })) },
    async masters() {
      const live = nodes.find((n) => n.process.exitCode === null && n.process.signalCode === null)!;
      return parseNodes(String(await command(live.port, 'CLUSTER', 'NODES')))
        .filter(servingMaster)
        .map(({ port, slots }) => ({ port, slots }));
    },
    async masterOf(slot) {
      const owner = (await handle.masters()).find((m) => m.slots.some(([from, to]) => slot >= from && slot <= to));
      if (!owner) throw new Error(`no master serves slot ${slot}`);
      return owner.port;
    },
    async replicaOf(port) {
      const all = parseNodes(String(await command(port, 'CLUSTER', 'NODES')));
      const master = all.find((n) => n.port === port)!;
      const replica = all.find((n) => n.masterId === master.id && !n.flags.includes('fail'));
      if (!replica) throw new Error(`the master on ${port} has no replica`);
      return replica.port;
    },
    async waitReplicated(timeoutMs = 10_000) {
      const ports = (await handle.masters()).map((m) => m.port);
      await waitUntil('every replica caught up with its master', async () => {
        const states = await Promise.all(ports.map((port) => info(port, 'replication')));
        return states.every((state) => {
          const offsets = Object.entries(state).filter(([k]) => /^slave\d+$/.test(k)).map(([, v]) => Number(/offset=(\d+)/.exec(v)?.[1]));
          return offsets.length > 0 && offsets.every((o) => o === Number(state.master_repl_offset));
        });
      }, timeoutMs);
    },
    async waitHealthy(timeoutMs = 20_000) {
      await waitUntil('the cluster is ok on every live node', async () => {
        const live = nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null);
        const views = await Promise.all(live.map(async (n) => ({ state: String(await command(n.port, 'CLUSTER', 'INFO')), nodes: parseNodes(String(await command(n.port, 'CLUSTER', 'NODES'))) })));
        const ok = views.every((v) => v.state.includes('cluster_state:ok'));
        const livePorts = new Set(live.map((n) => n.port));
        const mastersSeen = views.map((v) => v.nodes.filter(servingMaster).map((n) => n.port).sort().join(','));
        const agreed = new Set(mastersSeen).size === 1 ? mastersSeen[0]!.split(',').map(Number) : [];
        // Every slot served by a live master, and every node sees the same masters.
        return ok && agreed.length === masters && agreed.every((port) => livePorts.has(port));
      }, timeoutMs);
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const port of ports) {
      nodes.push(
        await spawnRedis(port, [
          '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes',
          '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(nodeTimeout),
          // A replica may take over however long it was cut off: the test kills its master on purpose.
          '--cluster-replica-validity-factor', '0',
          '--appendonly', 'yes', '--appendfilename', `appendonly-${port}.aof`, '--appenddirname', `aof-${port}`,
          '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction',
        ]),
      );
    }
    await runCli(['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes']);
    await handle.waitHealthy();
    if (replicas > 0) {
      await waitUntil('every replica is in sync', async () => {
        const states = await Promise.all(ports.slice(masters).map((p) => info(p, 'replication')));
        return states.every((s) => s.role === 'slave' && s.master_link_status === 'up');
      }, 20_000);
    }
    return handle;
  } catch (error) {
    await handle.stop();
    throw error;
  }
}
