import { baseChildEnv } from '../../test/helpers/child-env';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startLocalRedis, type LocalRedis } from '../../src/lib/redis-server';
import { SIGNING_SECRET } from '../../test/helpers/slack';

const ROOT = resolve(__dirname, '../..');
export const WEBHOOK_TOKEN = 'proof-webhook-token';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll until `condition` holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Poll until `condition` has held continuously for `quietMs` (nothing more happening), or time out quietly. */
export async function settle(condition: () => boolean, quietMs: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let since = condition() ? Date.now() : undefined;
  while (Date.now() < deadline) {
    if (condition()) {
      since ??= Date.now();
      if (Date.now() - since >= quietMs) return true;
    } else since = undefined;
    await sleep(100);
  }
  return false;
}

/** A redis-server with AOF in its own directory; `kill` is SIGKILL, `restart` reuses dir and port. */
export interface ProofRedis {
  url: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<ProofRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-proof-redis-'));
  let current: LocalRedis = await startLocalRedis({ dir });
  const port = current.port;
  const gone = (child: ChildProcess) => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
  return {
    url: current.url,
    async kill() {
      current.process.kill('SIGKILL');
      await gone(current.process);
    },
    async restart() {
      current = await startLocalRedis({ dir, port });
    },
    async stop() {
      await current.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `src/main.ts` as a real process (node -r tsx/cjs), as deployed: its own port, the given Redis and Slack. */
export interface BotProcess {
  url: string;
  output(): string;
  /** SIGKILL (a crash) unless told; resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startBot(options: { config: string; prefix: string; redisUrl: string; slackApiUrl: string; port?: number }): Promise<BotProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-proof-bot-'));
  const configFile = join(dir, 'firebreak.yaml');
  writeFileSync(configFile, options.config);
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...baseChildEnv(),
      SLACK_BOT_TOKEN: 'xoxb-proof-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: options.slackApiUrl,
      REDIS_URL: options.redisUrl,
      PORT: String(port),
      FIREBREAK_CONFIG: configFile,
      FIREBREAK_REDIS_PREFIX: options.prefix,
      WEBHOOK_TOKEN,
      LOG_LEVEL: process.env.PROOF_LOG_LEVEL ?? 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('bot ready', async () => {
      if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}`);
      return (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200;
    }, 60_000);
  } catch (error) {
    await stop();
    throw new Error(`bot did not start: ${String(error)}\n${output}`);
  }
  return { url, output: () => output, stop };
}
