import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** One redis-server (or Sentinel) process a test started; killed with the test process at the latest. */
export interface RedisProcess {
  port: number;
  process: ChildProcess;
  /** SIGKILL, as a crashed host: no AOF flush, no goodbye to the cluster. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after 3 s. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** redis-cli comes with redis-server on Debian (redis-tools); the cluster helper needs it. */
export function requireRedisTools(): void {
  for (const binary of ['redis-server', 'redis-cli']) {
    const probe = spawnSync(binary, ['--version'], { stdio: 'ignore' });
    if (probe.error || probe.status !== 0) throw new Error(`${binary} is not installed (Debian: apt-get install redis-server redis-tools)`);
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port whose cluster bus port (port + 10000) is free too, below 55536 so the bus port exists.
 * `taken` avoids handing the same port twice before the processes bind them.
 */
export async function freeRedisPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000) || taken.has(port - 10_000)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port pair for redis-server');
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Start `redis-server <args>` on 127.0.0.1:`port` and wait until it answers PING. */
export async function spawnRedis(port: number, args: string[]): Promise<RedisProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of running) if (!exited(child)) child.kill('SIGKILL');
    });
  }
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  running.add(child);
  child.once('exit', () => running.delete(child));
  await waitUntil(`redis-server on ${port} answers`, async () => {
    if (exited(child)) throw new Error(`redis-server on ${port} exited (${child.exitCode ?? child.signalCode}): ${stderr}`);
    return ping(port);
  }, 10_000);
  return {
    port,
    process: child,
    async kill() {
      if (!exited(child)) child.kill('SIGKILL');
      await waitExit(child, 5_000);
    },
    async stop() {
      if (exited(child)) return;
      child.kill('SIGTERM');
      if (!(await waitExit(child, 3_000))) {
        child.kill('SIGKILL');
        await waitExit(child, 3_000);
      }
    },
  };
}

async function ping(port: number): Promise<boolean> {
  const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Run one command on the server at `port` with a short-lived connection. */
export async function command(port: number, name: string, ...args: (string | number)[]): Promise<unknown> {
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    return await client.call(name, ...args);
  } finally {
    client.disconnect();
  }
}

/** `INFO <section>` as a map. */
export async function info(port: number, section: string): Promise<Record<string, string>> {
  const text = String(await command(port, 'INFO', section));
  return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
}

export async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
    } catch (error) {
      last = error;
      if (error instanceof Error && /exited/.test(error.message)) throw error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}
