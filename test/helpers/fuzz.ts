import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { slashCommand, sign, TEAM } from './slack';

/**
 * Generated hostile payloads for every webhook and /slack/events, and a runner that sends them one
 * by one and checks the answers: never 5xx, nothing stored from a 4xx. Shared by the jest suite
 * (a few hundred per endpoint) and `npm run proof -- fuzz` (thousands). No jest or nock in here.
 */

export const FUZZ_WEBHOOK_TOKEN = 'test-webhook-token';
export const FUZZ_GITHUB_SECRET = 'test-github-secret';

export const ENDPOINTS = ['deploy', 'alert', 'alertmanager', 'grafana', 'datadog', 'argocd', 'github', 'metrics', 'slack'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** A request as it goes on the wire. */
export interface FuzzRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const fixture = (path: string): unknown => JSON.parse(readFileSync(join(__dirname, '../fixtures/webhooks', `${path}.json`), 'utf8'));

/** Numbers JSON can carry but JavaScript cannot hold exactly: written raw into the text. */
const RAW_NUMBERS = ['1e400', '-1e400', '99999999999999999999', '-0', '1e-400', '8640000000000001', '-8640000000000001', '123456789012345678901234567890'];
const raw = (token: string) => `@@RAW(${token})@@`;
const toJsonText = (value: unknown) => JSON.stringify(value).replace(/"@@RAW\(([^)]*)\)@@"/g, '$1');

/** Deep nesting, written raw so the generator itself never recurses into it. */
const nested = (depth: number): unknown => raw(`${'[{"x":'.repeat(depth)}1${'}]'.repeat(depth)}`);

/** Values that have broken parsers before: out-of-range numbers and dates, huge and odd text. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...RAW_NUMBERS.map(raw)),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53 + 2, 8.64e15, 1e21, 1.7e308, -1, 0, 0.5, 1e11),
  fc.constantFrom(
    '+275760-09-13T00:00:00.001Z',
    '-271821-04-20T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999+14:00',
    '2026-02-30T10:00:00Z',
    '2026-11-22T10:00:00',
    '<no value>',
    '',
    '   ',
    '<!channel> <!here|here>',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '\u0000',
    '\ud800',
    'prod',
    'Triggered',
    'Recovered',
    'firing',
    'resolved',
    'succeeded',
    'rolled_back',
    'v1.2.3',
    '[a b c]',
    '["x","y"]',
    'a:b:c',
    '{slot}*?',
    '%3A%',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(3_000, 70_000, 300_000).map((n) => 'x'.repeat(n)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(50, 1_000, 20_000).map(nested),
  fc.constant(null),
  fc.boolean(),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'service', 'app', 'env', 'severity', 'alertname'), fc.oneof(fc.string({ maxLength: 10 }), fc.integer())),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
);

/** Every path in a value (objects and arrays), for mutations to aim at. */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(value)) value.slice(0, 5).forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

interface Mutation {
  path: (string | number)[];
  op: 'set' | 'delete' | 'add';
  key: string;
  value: unknown;
}

function applyMutation(base: unknown, m: Mutation): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const part of m.path.slice(0, -1)) {
    const next = parent[part];
    if (!next || typeof next !== 'object') return copy;
    parent = next as Record<string | number, unknown>;
  }
  const last = m.path[m.path.length - 1]!;
  if (m.op === 'delete') delete parent[last];
  else if (m.op === 'add' && parent[last] && typeof parent[last] === 'object') Object.defineProperty(parent[last], m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  else parent[last] = m.value;
  return copy;
}

/** A valid body with a few of its parts replaced, removed or added to. */
function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(base);
  const mutation = fc.record({
    path: fc.constantFrom(...paths),
    op: fc.constantFrom('set', 'set', 'delete', 'add') as fc.Arbitrary<Mutation['op']>,
    key: fc.constantFrom('__proto__', 'constructor', 'service', 'extra', 'labels', 'alerts'),
    value: hostileValue,
  });
  return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => ms.reduce(applyMutation, base));
}

const now = () => new Date().toISOString();

/** Valid bodies of each endpoint, taken from the senders' fixtures (dates near now where it matters). */
function bases(endpoint: Endpoint): unknown[] {
  switch (endpoint) {
    case 'deploy':
      return [fixture('deploy/blue-green-succeeded'), fixture('deploy/rolling-started-minimal')];
    case 'alert':
      return [fixture('alert/high-error-rate')];
    case 'alertmanager':
      return [fixture('alertmanager/group-firing-and-resolved'), fixture('alertmanager/watchdog-and-instance-down')];
    case 'grafana':
      return [fixture('grafana/firing-and-resolved'), fixture('grafana/test-notification')];
    case 'datadog':
      return [fixture('datadog/triggered'), fixture('datadog/recovered'), fixture('datadog/default-payload')];
    case 'argocd':
      return [fixture('argocd/deployed'), fixture('argocd/rollback'), fixture('argocd/multi-source')];
    case 'github':
      return [fixture('github/deployment-status-success'), { zen: 'Keep it logically awesome.', hook_id: 1 }];
    case 'metrics':
      return [{ service: 'checkout', environment: 'production', samples: [{ signal: 'errorRate', value: 0.07, at: now() }, { signal: 'latencyP95', value: 0.4, at: now() }] }];
    case 'slack':
      return [];
  }
}

const bearer = { Authorization: `Bearer ${FUZZ_WEBHOOK_TOKEN}` };
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', ''];

/** The body as JSON (mostly), as a form, or as garbage bytes, with a fitting or a wrong content type. */
function encoded(value: fc.Arbitrary<unknown>, headers: Record<string, string>): fc.Arbitrary<{ headers: Record<string, string>; body: Buffer }> {
  const json = value.map((v) => ({ headers: { ...headers, 'Content-Type': 'application/json' }, body: Buffer.from(toJsonText(v) ?? 'null') }));
  const form = fc.tuple(value, fc.boolean()).map(([v, asPayload]) => {
    const fields: Record<string, string> = {};
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) fields[k] = typeof x === 'string' ? x : toJsonText(x) ?? '';
    const text = asPayload ? new URLSearchParams({ payload: toJsonText(v) ?? '' }).toString() : new URLSearchParams(fields).toString();
    return { headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(text) };
  });
  const garbage = fc
    .tuple(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...CONTENT_TYPES), fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'zstd'))
    .map(([bytes, type, encoding]) => ({
      headers: { ...headers, ...(type ? { 'Content-Type': type } : {}), ...(encoding ? { 'Content-Encoding': encoding } : {}) },
      body: Buffer.from(bytes),
    }));
  return fc.oneof({ arbitrary: json, weight: 8 }, { arbitrary: form, weight: 1 }, { arbitrary: garbage, weight: 1 });
}

function webhookBodies(endpoint: Endpoint): fc.Arbitrary<unknown> {
  const valid = bases(endpoint);
  const one = fc.oneof(...valid.map((b) => fc.oneof({ arbitrary: mutated(b), weight: 5 }, { arbitrary: fc.constant(b), weight: 1 })));
  return fc.oneof(
    { arbitrary: one, weight: 6 },
    { arbitrary: fc.array(one, { minLength: 0, maxLength: 4 }), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
    { arbitrary: hostileValue, weight: 1 },
  );
}

/** Slack's three body kinds (slash commands, interactivity payloads, Events API), mutated, then signed as Slack signs. */
function slackBodies(): fc.Arbitrary<{ contentType: string; text: string }> {
  const command = fc
    .record({ text: fc.oneof(fc.constantFrom('start', 'help', 'status', 'list', 'ic @alice', 'severity P9', 'constructor', '__proto__', 'resolve', 'timeline', 'ack', 'escalate', 'oncall override'), fc.string({ maxLength: 60 })), extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }) })
    .map(({ text, extra }) => ({ contentType: 'application/x-www-form-urlencoded', text: `${slashCommand({ text })}&${new URLSearchParams(extra).toString()}` }));
  const interaction = {
    type: 'block_actions',
    team: TEAM,
    user: { id: 'U0RESP1', username: 'resp', team_id: TEAM.id },
    api_app_id: 'A0FIREBREAK',
    trigger_id: '1.2.trigger',
    channel: { id: 'C0CHECKOUT', name: 'checkout-alerts' },
    container: { type: 'message', message_ts: '1.000001', channel_id: 'C0CHECKOUT' },
    message: { ts: '1.000001', text: 'card' },
    response_url: 'http://slack.test/actions/r1',
    actions: [{ type: 'button', action_id: 'incident_start_from_alert', block_id: 'alert_card_actions', value: '{"service":"checkout","fingerprint":"fp"}', action_ts: '1.2' }],
  };
  const view = { type: 'view_submission', team: TEAM, user: { id: 'U0RESP1', team_id: TEAM.id }, view: { id: 'V1', type: 'modal', callback_id: 'incident_start', private_metadata: '{}', state: { values: {} } } };
  const payload = fc
    .oneof(mutated(interaction), mutated(view), fc.jsonValue({ maxDepth: 3 }))
    .map((p) => ({ contentType: 'application/x-www-form-urlencoded', text: new URLSearchParams({ payload: toJsonText(p) ?? '' }).toString() }));
  const event = { token: 'x', team_id: TEAM.id, api_app_id: 'A0FIREBREAK', type: 'event_callback', event_id: 'Ev1', event_time: 1, event: { type: 'app_mention', user: 'U1', text: 'hi', channel: 'C1', ts: '1.1' } };
  const events = fc
    .oneof(mutated(event), mutated({ type: 'url_verification', challenge: 'abc', token: 'x' }), hostileValue)
    .map((p) => ({ contentType: 'application/json', text: toJsonText(p) ?? 'null' }));
  const garbage = fc.tuple(fc.string({ maxLength: 100 }), fc.constantFrom(...CONTENT_TYPES)).map(([text, contentType]) => ({ contentType, text }));
  return fc.oneof(command, payload, events, garbage);
}

/** Generated requests for an endpoint, reproducible by seed. */
export function requestsFor(endpoint: Endpoint, runs: number, seed: number): FuzzRequest[] {
  if (endpoint === 'slack') {
    return fc.sample(slackBodies(), { numRuns: runs, seed }).map(({ contentType, text }) => ({
      path: '/slack/events',
      headers: { ...(contentType ? { 'Content-Type': contentType } : {}), ...sign(text) },
      body: Buffer.from(text),
    }));
  }
  if (endpoint === 'github') {
    const event = fc.constantFrom('deployment_status', 'deployment_status', 'deployment_status', 'ping', 'push', '__proto__');
    return fc.sample(fc.tuple(encoded(webhookBodies(endpoint), {}), event, fc.nat(5)), { numRuns: runs, seed }).map(([{ headers, body }, name, n], index) => ({
      path: '/webhooks/github',
      headers: {
        ...headers,
        'X-GitHub-Event': name,
        'X-GitHub-Delivery': `fuzz-${seed}-${n}-${index}`,
        'X-Hub-Signature-256': `sha256=${createHmac('sha256', FUZZ_GITHUB_SECRET).update(body).digest('hex')}`,
      },
      body,
    }));
  }
  return fc.sample(encoded(webhookBodies(endpoint), bearer), { numRuns: runs, seed }).map(({ headers, body }) => ({ path: `/webhooks/${endpoint}`, headers, body }));
}

/** Wait until nothing writes to Redis any more (BullMQ creates its queues' keys lazily at start). */
export async function settle(redis: Redis, quietMs = 300, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await redis.dbsize();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = await redis.dbsize();
    if (now === last) return;
    last = now;
  }
}

export interface FuzzStats {
  endpoint: Endpoint;
  sent: number;
  byStatus: Record<number, number>;
  /** 5xx answers and failed requests (connection reset: a crash), with the body that caused them. */
  failures: { status: number | string; body: string }[];
  /** 4xx answers after which Redis held more keys than before. */
  storedFrom4xx: { status: number; body: string }[];
}

/**
 * Send every request in turn; Redis (`redis`, a database of its own, workers off) is counted before
 * and after each 4xx of a webhook so anything stored from a refused body shows. (Slack listeners
 * may still work after their answer, so /slack/events is checked for answers and crashes only.)
 */
export async function fuzzEndpoint(baseUrl: string, redis: Redis, endpoint: Endpoint, requests: FuzzRequest[]): Promise<FuzzStats> {
  const stats: FuzzStats = { endpoint, sent: 0, byStatus: {}, failures: [], storedFrom4xx: [] };
  const sample = (body: Buffer) => body.toString('utf8').slice(0, 300);
  for (const request of requests) {
    const before = await redis.dbsize();
    let status: number;
    try {
      const response = await fetch(`${baseUrl}${request.path}`, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(15_000) });
      status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      stats.failures.push({ status: String((error as Error).message), body: sample(request.body) });
      continue;
    } finally {
      stats.sent += 1;
    }
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (status >= 500) stats.failures.push({ status, body: sample(request.body) });
    else if (status >= 400 && endpoint !== 'slack' && (await redis.dbsize()) !== before) stats.storedFrom4xx.push({ status, body: sample(request.body) });
  }
  return stats;
}
