import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { FirebreakError } from './errors';

/** A redis-server child process we own: started on loopback, stopped with us. */
export interface LocalRedis {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const REDIS_INSTALL_HINT =
  'redis-server is not installed. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, ' +
  'macOS: `brew install redis`) or set REDIS_URL to an existing Redis >= 7.';

export function redisServerInstalled(binary = 'redis-server'): boolean {
  const probe = spawnSync(binary, ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/**
 * Start `redis-server` with AOF persistence in `dir`, on 127.0.0.1 only.
 * `port` 0 picks a free one.
 */
export async function startLocalRedis(options: { dir: string; port?: number; binary?: string }): Promise<LocalRedis> {
  const binary = options.binary ?? 'redis-server';
  if (!redisServerInstalled(binary)) throw new FirebreakError('redis_missing', REDIS_INSTALL_HINT);
  mkdirSync(options.dir, { recursive: true });
  const port = options.port || (await freePort());
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', options.dir, '--appendonly', 'yes',
      '--appendfsync', 'everysec', '--save', '', '--protected-mode', 'yes', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  await waitForPort(port, child, 10_000);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url: `redis://127.0.0.1:${port}`, port, process: child, stop };
}
