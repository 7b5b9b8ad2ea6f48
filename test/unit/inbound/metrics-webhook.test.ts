import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Redis } from 'ioredis';
import { parseConfigText } from '../../../src/config/file';
import type { MetricBatch, MetricSampleSink } from '../../../src/domain/guard/ports';
import type { IntakeService } from '../../../src/domain/intake/service';
import { webhookRouter } from '../../../src/inbound/webhooks/routes';
import { parseMetrics } from '../../../src/inbound/webhooks/schemas/metrics';
import { redisKeys } from '../../../src/lib/keys';
import { createLogger } from '../../../src/lib/logger';
import type { Metrics } from '../../../src/lib/metrics';
import { ValidationError } from '../../../src/lib/errors';

const TOKEN = 'metrics-token';
const NOW = Date.parse('2026-11-22T10:30:00Z');
const clock = { now: () => new Date(NOW) };
const config = parseConfigText('environment: production\nservices: { checkout: { channel: "#checkout", environment: prod-eu } }', 'test', {});

async function serve(sink: MetricSampleSink): Promise<{ url: string; server: Server }> {
  const app = express();
  const metrics = { inboundEvents: { inc: () => undefined } } as unknown as Metrics;
  app.use(
    webhookRouter({ intake: {} as IntakeService, config, redis: {} as Redis, keys: redisKeys('unit'), metrics, logger: createLogger('silent'), webhookToken: TOKEN, samples: sink, clock }),
  );
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const post = (url: string, body: unknown) =>
  fetch(`${url}/webhooks/metrics`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });

describe('POST /webhooks/metrics', () => {
  it('answers 503 when the samples cannot be stored, so the sender retries', async () => {
    const { url, server } = await serve({ record: () => Promise.reject(new Error('Connection is closed.')) });
    try {
      const answer = await post(url, { service: 'checkout', samples: [{ signal: 'errorRate', value: 0.5, at: '2026-11-22T10:00:00Z' }] });
      expect(answer.status).toBe(503);
      expect(await answer.json()).toEqual({ error: 'storage unavailable, retry later' });
    } finally {
      server.close();
    }
  });

  it('stores the batch in the service environment by default', async () => {
    const batches: MetricBatch[] = [];
    const { url, server } = await serve({ record: async (batch) => (batches.push(batch), { added: batch.samples.length }) });
    try {
      const answer = await post(url, { service: 'checkout', samples: [{ signal: 'latencyP95', value: 0.25, at: '2026-11-22T10:00:00+01:00' }] });
      expect(answer.status).toBe(202);
      expect(batches).toEqual([{ service: 'checkout', environment: 'prod-eu', samples: [{ signal: 'latencyP95', value: 0.25, at: Date.parse('2026-11-22T09:00:00Z') }] }]);
    } finally {
      server.close();
    }
  });

  it('stores samples of environment "prod" as production (environmentAliases), as deploys are', async () => {
    const batches: MetricBatch[] = [];
    const { url, server } = await serve({ record: async (batch) => (batches.push(batch), { added: batch.samples.length }) });
    try {
      expect((await post(url, { service: 'checkout', environment: 'PROD', samples: [{ signal: 'errorRate', value: 0.1, at: '2026-11-22T10:00:00Z' }] })).status).toBe(202);
      expect(batches[0]?.environment).toBe('production');
    } finally {
      server.close();
    }
  });
});

describe('parseMetrics', () => {
  const env = () => 'production';
  it('names every problem with its path', () => {
    try {
      parseMetrics({ service: '', environment: 'production', samples: [{ signal: 'errorRate', value: Number.NaN }, { signal: 'cpu', value: 1, at: 'now' }] }, env, NOW);
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['samples.0.at', 'samples.0.value', 'samples.1.at', 'samples.1.signal', 'service']);
    }
  });

  it('keeps samples from the retention up to a small skew ahead, and says why it skipped the others', () => {
    const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
    const body = {
      service: 'checkout',
      samples: [
        { signal: 'errorRate', value: 0.1, at: at(-3 * 3600_000 - 1) },
        { signal: 'errorRate', value: 0.2, at: at(-3 * 3600_000) },
        { signal: 'errorRate', value: 0.3, at: at(5 * 60_000) },
        { signal: 'errorRate', value: 0.4, at: at(5 * 60_000 + 1) },
      ],
    };
    const { batch, skipped } = parseMetrics(body, env, NOW);
    expect(batch.samples.map((s) => s.value)).toEqual([0.2, 0.3]);
    expect(skipped.map((s) => s.index)).toEqual([0, 3]);
    expect(skipped[0]?.reason).toContain('too old; accepted: 2026-11-22T07:30:00.000Z to 2026-11-22T10:35:00.000Z');
    expect(skipped[1]?.reason).toContain('in the future');
  });
});
