import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort } from '../../../src/lib/redis-server';
import { runMain } from '../../helpers/child-env';
import { deleteKeys, redisUrl, waitFor } from '../../helpers/harness';
import { KIND, startOtlpReceiver } from '../../helpers/otlp-receiver';

const TOKEN = 'tracing-process-token';


describe('tracing in the running process', () => {
  it('exports the spans still buffered when SIGTERM stops it', async () => {
    const receiver = await startOtlpReceiver();
    const redis = new Redis(redisUrl());
    const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const port = await freePort();
    const bot = runMain({
      REDIS_URL: redisUrl(),
      PORT: String(port),
      WEBHOOK_TOKEN: TOKEN,
      FIREBREAK_REDIS_PREFIX: prefix,
      FIREBREAK_SANDBOX: '0',
      FIREBREAK_DRAIN_SECONDS: '0',
      FIREBREAK_ROLE: 'web',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'firebreak-process',
      // The batch would wait ten minutes: only the flush on shutdown can deliver these spans.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    try {
      await waitFor('ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 30_000).catch((e: Error) => { throw new Error(e.message + bot.output()); });
      const answer = await fetch(`http://127.0.0.1:${port}/webhooks/deploy`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ service: 'checkout', version: 'v2', previousVersion: 'v1', strategy: 'rolling', status: 'succeeded', timestamp: new Date().toISOString() }),
      });
      expect(answer.status).toBe(202);
      expect(bot.output()).toContain('tracing on');
      expect(receiver.requests).toEqual([]);

      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      const span = receiver.spans.find((s) => s.kind === KIND.server && s.attributes['http.route'] === '/webhooks/deploy');
      expect(span).toMatchObject({ name: 'POST /webhooks/deploy', attributes: { 'http.response.status_code': 202 } });
      expect(span!.resource).toMatchObject({ 'service.name': 'firebreak-process', 'firebreak.role': 'web' });
    } finally {
      if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
      await receiver.close();
      await deleteKeys(redis, `${prefix}:*`);
      await redis.quit();
    }
  }, 60_000);

  it('stops at start on a bad tracing variable, naming it', async () => {
    const bot = runMain({ REDIS_URL: redisUrl(), PORT: '0', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain('OTEL_EXPORTER_OTLP_PROTOCOL: only http/json');
  });
});
