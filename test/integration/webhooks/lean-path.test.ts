import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startHarness, WEBHOOK_TOKEN, type Harness } from '../../helpers/harness';
import { postWebhook } from '../../helpers/webhooks';
import { redisKeys } from '../../../src/lib/keys';
import { metricSum } from '../../helpers/metrics';

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
`;

const alert = (fingerprint: string) => ({ service: 'checkout', name: 'HighErrorRate', severity: 'critical', startsAt: new Date(Date.now() - 60_000).toISOString(), fingerprint });
const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${WEBHOOK_TOKEN}` };

async function post(url: string, body: Buffer | string, headers: Record<string, string>) {
  const answer = await fetch(url, { method: 'POST', headers, body });
  return { status: answer.status, type: answer.headers.get('content-type'), json: (await answer.json()) as Record<string, unknown> };
}

/** A body streamed in 64 KiB chunks with no Content-Length (chunked), so only its size as read can refuse it. */
function streamed(url: string, bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: auth }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let sent = 0; sent < bytes; sent += chunk.length) req.write(chunk);
    req.end();
  });
}

const metric = (h: Harness, line: string) => metricSum(h.url, line);

// POST /webhooks/<source> is served without Express (src/inbound/webhooks/lean.ts); paths it leaves
// to Express must answer the same.
describe('webhooks: the lean path and Express answer alike', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: CONFIG });
  });
  afterAll(() => h.close());

  it('stores through either path, and a resend through the other is the same duplicate', async () => {
    const lean = await post(`${h.url}/webhooks/alert?from=test`, JSON.stringify(alert('lean-1')), auth);
    expect(lean).toEqual({ status: 202, type: 'application/json; charset=utf-8', json: { id: 'lean-1' } });
    // A trailing slash and another case are Express's (its routing is neither strict nor case-sensitive).
    expect(await post(`${h.url}/webhooks/alert/`, JSON.stringify(alert('lean-1')), auth)).toEqual({ ...lean, json: { id: 'lean-1', duplicate: true } });
    expect(await post(`${h.url}/webhooks/ALERT`, JSON.stringify(alert('express-1')), auth)).toEqual({ ...lean, json: { id: 'express-1' } });
    expect(await post(`${h.url}/webhooks/alert`, JSON.stringify(alert('express-1')), auth)).toEqual({ ...lean, json: { id: 'express-1', duplicate: true } });
  });

  it('refuses, and rejects bad bodies, with the same answers', async () => {
    for (const path of ['/webhooks/alert', '/webhooks/alert/']) {
      expect(await post(`${h.url}${path}`, JSON.stringify(alert('x')), { 'Content-Type': 'application/json' })).toMatchObject({ status: 401, json: { error: 'missing or wrong bearer token' } });
      expect(await post(`${h.url}${path}`, '{"service": ', auth)).toMatchObject({ status: 400, json: { error: 'invalid alert payload' } });
    }
    expect(await h.redis.exists(redisKeys(h.prefix).alert('checkout', 'x'))).toBe(0);
  });

  it('answers 413 over 1 MiB whether the size is declared or only seen while reading, storing nothing', async () => {
    const huge = JSON.stringify({ ...alert('huge'), summary: 'x'.repeat(1024 * 1024 + 10) });
    expect(await post(`${h.url}/webhooks/alert`, huge, auth)).toMatchObject({ status: 413, json: { error: 'body larger than 1 MiB' } });
    expect(await post(`${h.url}/webhooks/alert/`, huge, auth)).toMatchObject({ status: 413, json: { error: 'body larger than 1 MiB' } });
    const chunked = await streamed(`${h.url}/webhooks/alert`, 1024 * 1024 + 64 * 1024);
    expect(chunked).toEqual({ status: 413, body: JSON.stringify({ error: 'body larger than 1 MiB' }) });
    expect(await h.redis.exists(redisKeys(h.prefix).alert('checkout', 'huge'))).toBe(0);
    // The server still answers on the same port afterwards.
    expect((await postWebhook(h.url, 'alert', alert('after-413'))).status).toBe(202);
    expect(await h.redis.exists(redisKeys(h.prefix).alert('checkout', 'after-413'))).toBe(1); // the name the checks above look under
  });

  it('takes a gzip-encoded body (Express inflates it)', async () => {
    const answer = await post(`${h.url}/webhooks/alert`, gzipSync(JSON.stringify(alert('gzipped'))), { ...auth, 'Content-Encoding': 'gzip' });
    expect(answer).toMatchObject({ status: 202, json: { id: 'gzipped' } });
  });

  it('counts lean requests in the HTTP metrics under their route', async () => {
    const before = await metric(h, 'firebreak_http_requests_total{route="/webhooks/alert",code="202"}');
    expect((await postWebhook(h.url, 'alert', alert('counted'))).status).toBe(202);
    expect(await metric(h, 'firebreak_http_requests_total{route="/webhooks/alert",code="202"}')).toBe(before + 1);
    expect(await metric(h, 'firebreak_http_requests_total{route="/webhooks/alert",code="413"}')).toBeGreaterThanOrEqual(2);
  });
});
