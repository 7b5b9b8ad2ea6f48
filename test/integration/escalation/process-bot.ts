import { baseChildEnv } from '../../helpers/child-env';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../../src/lib/redis-server';
import type { SlackCall } from '../../helpers/fake-slack';
import { redisUrl, waitFor } from '../../helpers/harness';
import { SIGNING_SECRET } from '../../helpers/slack';

const ROOT = resolve(__dirname, '../../..');

/** Slack's Web API on a real port for bots in other processes: plausible answers, every call recorded. */
export interface SlackApi {
  apiUrl: string;
  calls: SlackCall[];
  close(): Promise<void>;
}

async function read(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

export async function startSlackApi(groups: Record<string, string[]> = {}): Promise<SlackApi> {
  const calls: SlackCall[] = [];
  let ts = 0;
  let channels = 0;
  const server = createServer((req, res) => {
    void read(req).then((raw) => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const body: Record<string, unknown> = {};
      for (const [key, value] of new URLSearchParams(raw)) body[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
      calls.push({ method, body, at: Date.now() });
      const answers: Record<string, () => Record<string, unknown>> = {
        'auth.test': () => ({ ok: true, user_id: 'U0BOT', bot_id: 'B0FIREBREAK', team_id: 'T0TEST' }),
        'conversations.create': () => ({ ok: true, channel: { id: `C0INC${++channels}`, name: body.name } }),
        'conversations.open': () => ({ ok: true, channel: { id: `D0${String(body.users)}` } }),
        'usergroups.users.list': () => ({ ok: true, users: groups[String(body.usergroup)] ?? [] }),
        'chat.postMessage': () => ({ ok: true, channel: body.channel, ts: `1900000000.${String(++ts).padStart(6, '0')}` }),
      };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answers[method]?.() ?? { ok: true }));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export interface ProcessBot {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGKILL (a crash) or SIGTERM (a deploy); resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `src/main.ts` as a real process against the test Redis, the given Slack API and a config file. */
export async function startProcessBot(options: { config: string; prefix: string; slack: { apiUrl: string }; env?: Record<string, string> }): Promise<ProcessBot> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-escalation-'));
  const configFile = join(dir, 'firebreak.yaml');
  writeFileSync(configFile, options.config);
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...baseChildEnv(),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: options.slack.apiUrl,
      REDIS_URL: redisUrl(),
      PORT: String(port),
      FIREBREAK_CONFIG: configFile,
      FIREBREAK_REDIS_PREFIX: options.prefix,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...options.env,
    },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('bot ready', async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`bot did not start: ${String(error)}\n${output}`);
  }
  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
