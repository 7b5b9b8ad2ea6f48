import { runMain } from '../../helpers/child-env';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../src/lib/redis-server';
import { Redis } from 'ioredis';
import { deleteKeys, redisUrl, waitFor } from '../../helpers/harness';



describe('the bot as a process', () => {
  it('stops at start with every problem of an invalid config file, naming the keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-config-'));
    const file = join(dir, 'firebreak.yaml');
    writeFileSync(file, 'services:\n  checkout:\n    channel: "not a channel"\n    responders: [bob]\n    escalation: [{ after: later, notify: [U0A] }]\n');
    const bot = runMain({ FIREBREAK_CONFIG: file, REDIS_URL: redisUrl(), PORT: '0' });
    expect(await bot.exited).toBe(1);
    const output = bot.output();
    expect(output).toContain(file);
    for (const key of ['services.checkout.channel', 'services.checkout.responders.0', 'services.checkout.escalation.0.after']) expect(output).toContain(key);
  });

  it('names a bad environment variable', async () => {
    const bot = runMain({ PORT: 'eighty', REDIS_URL: redisUrl() });
    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain('PORT');
  });

  it('with the sandbox refused (FIREBREAK_SANDBOX=0) and no Slack credentials, serves /healthz and says what it needs', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'firebreak-data-'));
    const bot = runMain({ PORT: String(port), FIREBREAK_DATA_DIR: dataDir, LOG_LEVEL: 'info', FIREBREAK_SANDBOX: '0', FIREBREAK_DRAIN_SECONDS: '0' });
    try {
      await waitFor('healthz', async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200, 20_000);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      const slack = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST' });
      expect(slack.status).toBe(503);
      await waitFor('setup help', () => bot.output().includes('manifests/slack-app.yaml'));
      expect(bot.output()).toContain('SLACK_BOT_TOKEN');
      expect(bot.output()).toContain('SLACK_SIGNING_SECRET');
      expect(bot.output()).toContain('started a local redis-server');
    } finally {
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
    }
  });

  it('with no Slack credentials at all, runs the sandbox workspace, prints its URL and answers /incident there', async () => {
    const port = await freePort();
    const bot = runMain({ PORT: String(port), REDIS_URL: redisUrl(), FIREBREAK_REDIS_PREFIX: `proc${port}`, LOG_LEVEL: 'warn' });
    try {
      await waitFor('the sandbox URL', () => bot.output().includes(`http://127.0.0.1:${port}/sandbox`), 20_000);
      const page = await fetch(`http://127.0.0.1:${port}/sandbox`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Firebreak sandbox');
      const state = async (channel?: string) =>
        (await (await fetch(`http://127.0.0.1:${port}/sandbox/state?user=U0LEAD${channel ? `&channel=${channel}` : ''}`)).json()) as {
          channels: { id: string; name: string }[];
          messages: { text: string }[];
        };
      const general = (await state()).channels.find((c) => c.name === 'general');
      const sent = await fetch(`http://127.0.0.1:${port}/sandbox/message`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: 'U0LEAD', channel: general?.id, text: '/incident list' }),
      });
      expect(sent.status).toBe(200);
      expect((await state(general?.id)).messages.map((m) => m.text).join('\n')).toContain('No open incidents.');
      expect(bot.output()).not.toContain('fetch failed');
    } finally {
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      const redis = new Redis(redisUrl());
      await deleteKeys(redis, `proc${port}:*`);
      await redis.quit();
    }
  });
});
