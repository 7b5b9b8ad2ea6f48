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
const config = parseConfigText('environment: production\nservices: { checkout: { channel: "#checkout", environment: prod-eu } }', 'test', {});

async function serve(sink: MetricSampleSink): Promise<{ url: string; server: Server }> {
  const app = express();
  const metrics = { inboundEvents: { inc: () => undefined } } as unknown as Metrics;
  app.use(
    webhookRouter({ intake: {} as IntakeService, config, redis: {} as Redis, keys: redisKeys('unit'), metrics, logger: createLogger('silent'), webhookToken: TOKEN, samples: sink }),
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
});

describe('parseMetrics', () => {
  const env = () => 'production';
  it('names every problem with its path', () => {
    try {
      parseMetrics({ service: '', environment: 'production', samples: [{ signal: 'errorRate', value: Number.NaN }, { signal: 'cpu', value: 1, at: 'now' }] }, env);
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['samples.0.at', 'samples.0.value', 'samples.1.at', 'samples.1.signal', 'service']);
    }
  });
});
