import { baseChildEnv } from '../../helpers/child-env';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../../src/lib/redis-server';
import { deleteKeys, redisUrl, waitFor } from '../../helpers/harness';

const ROOT = resolve(__dirname, '../../..');
const TOKEN = 'drain-test-token';

const deployBody = (version: string) =>
  JSON.stringify({ service: 'checkout', version, previousVersion: 'v1.0.0', strategy: 'rolling', status: 'succeeded', timestamp: new Date().toISOString() });

/** A deploy webhook whose body arrives in two parts: the request is in flight from the first byte until `finish()`. */
function slowDeploy(port: number, version: string) {
  const body = Buffer.from(deployBody(version));
  let answered: (value: { status: number; body: string }) => void = () => undefined;
  const answer = new Promise<{ status: number; body: string }>((r) => (answered = r));
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/webhooks/deploy',
    headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, Authorization: `Bearer ${TOKEN}` },
  });
  req.on('response', (res) => {
    let text = '';
    res.on('data', (d: Buffer) => (text += d.toString()));
    res.on('end', () => answered({ status: res.statusCode ?? 0, body: text }));
  });
  req.on('error', (error) => answered({ status: -1, body: String(error) }));
  req.write(body.subarray(0, 10));
  return {
    answer,
    finish: () => req.end(body.subarray(10)),
  };
}

describe('stopping the bot (SIGTERM)', () => {
  let redis: Redis;
  const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await deleteKeys(redis, `${prefix}:*`);
    await redis.quit();
  });

  it('answers /readyz 503 at once, keeps serving webhooks through the drain, lets open requests finish, exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // node itself, not the tsx binary: tsx relays signals through a helper that SIGKILLs a child slow to answer.
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...baseChildEnv(),
        REDIS_URL: redisUrl(),
        PORT: String(port),
        WEBHOOK_TOKEN: TOKEN,
        FIREBREAK_REDIS_PREFIX: prefix,
        FIREBREAK_DRAIN_SECONDS: '4',
        FIREBREAK_SANDBOX: '0',
        LOG_LEVEL: 'info',
      },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor('ready', async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 30_000);
      const slow = slowDeploy(port, 'v1.0.2');

      child.kill('SIGTERM');
      await waitFor('/readyz 503', async () => (await fetch(`${url}/readyz`)).status === 503, 3_000);
      expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'draining' });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      // Posted during the drain: stored and acknowledged as usual.
      const during = await fetch(`${url}/webhooks/deploy`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
        body: deployBody('v1.0.1'),
      });
      expect(during.status).toBe(202);
      const { id } = (await during.json()) as { id: string };
      expect(await redis.exists(`${prefix}:deploy:${id}`)).toBe(1);
      expect(child.exitCode).toBeNull();

      // The drain ends: the listener closes (new connections are refused) while the slow request is still open…
      await waitFor('listener closed', async () => (await fetch(`${url}/healthz`).then(() => false, () => true)), 10_000);
      expect(child.exitCode).toBeNull();
      // …and that request still finishes and is answered.
      slow.finish();
      const answer = await slow.answer;
      expect(answer.status).toBe(202);
      const slowId = (JSON.parse(answer.body) as { id: string }).id;
      expect(await redis.exists(`${prefix}:deploy:${slowId}`)).toBe(1);

      expect(await exited).toBe(0);
      expect(output).toContain('SIGTERM');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
