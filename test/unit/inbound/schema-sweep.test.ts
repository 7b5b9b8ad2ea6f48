import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../../src/config/file';
import { requireUsable, summarise, webhookContext } from '../../../src/inbound/webhooks/batch';
import { parseWebhookItems, webhookSources, type WebhookSource } from '../../../src/inbound/webhooks/schemas';
import { parseMetrics } from '../../../src/inbound/webhooks/schemas/metrics';
import { ValidationError } from '../../../src/lib/errors';

/**
 * Only storage failures answer 503: a parse that throws anything but a ValidationError would. Every
 * field of every schema gets out-of-range numbers, dates and huge values; each must parse or be an
 * issue, and whatever is accepted must hold real dates and finite numbers.
 */
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(__dirname, '../../fixtures/webhooks', `${path}.json`), 'utf8'));

const BASES: Record<WebhookSource | 'metrics', unknown[]> = {
  deploy: [fixture('deploy/blue-green-succeeded')],
  github: [fixture('github/deployment-status-success')],
  argocd: [fixture('argocd/deployed'), fixture('argocd/multi-source')],
  alert: [fixture('alert/high-error-rate')],
  alertmanager: [fixture('alertmanager/group-firing-and-resolved')],
  grafana: [fixture('grafana/firing-and-resolved')],
  datadog: [fixture('datadog/triggered'), fixture('datadog/default-payload')],
  metrics: [{ service: 'checkout', samples: [{ signal: 'errorRate', value: 0.1, at: new Date().toISOString() }] }],
};

/** JSON texts: parsed by JSON.parse as a sender's body would be (1e400 becomes Infinity, and so on). */
const HOSTILE_JSON = [
  '1e400', '-1e400', '1e-400', '-0', '99999999999999999999', '8640000000000001', '-8640000000000001', '1.7976931348623157e308',
  '9007199254740993', '-1', '0', '1e11', '"1e400"', '"99999999999999999999"', '"8640000000000001"', '"-1"', '"0x10"', '"NaN"', '"Infinity"',
  '"+275760-09-13T00:00:00.001Z"', '"-271821-04-20T00:00:00Z"', '"0000-01-01T00:00:00Z"', '"9999-12-31T23:59:59.999+14:00"',
  '"2026-02-30T10:00:00Z"', '"2026-11-22T24:00:00Z"', '"2026-11-22T10:00:00"', '"<no value>"', '""', '"[a b]"', '"[\\"x\\"]"',
  JSON.stringify('x'.repeat(1_100_000)), JSON.stringify('\ud800'.repeat(1000)), `${'['.repeat(5000)}${']'.repeat(5000)}`,
  'null', 'true', '{}', '[]', '{"__proto__":{"polluted":1},"constructor":"x"}',
];

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  if (Array.isArray(value)) value.slice(0, 2).forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function withValue(base: unknown, path: (string | number)[], json: string): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let parent = copy;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = JSON.parse(json) as unknown;
  return copy;
}

const context = webhookContext(parseConfigText('services: { checkout: { channel: "#c" } }', 'sweep', {}), new Date());
const realDate = (iso: unknown) => typeof iso !== 'string' || Number.isFinite(Date.parse(iso));

function parse(source: WebhookSource | 'metrics', body: unknown): void {
  if (source === 'metrics') {
    const { batch } = parseMetrics(body, () => 'production', Date.now());
    for (const s of batch.samples) expect([Number.isFinite(s.value), Number.isFinite(s.at)]).toEqual([true, true]);
    return;
  }
  const summary = summarise(parseWebhookItems(source, body, context));
  requireUsable(summary);
  for (const alert of summary.alerts) {
    expect([realDate(alert.startsAt), realDate(alert.endsAt), alert.value === undefined || Number.isFinite(alert.value)]).toEqual([true, true, true]);
  }
  for (const deploy of summary.deploys) expect([realDate(deploy.timestamp), source === 'argocd' ? deploy.version : '']).toEqual([true, expect.not.stringContaining('<no value>')]);
}

describe.each(Object.keys(BASES) as (WebhookSource | 'metrics')[])('%s: every field with hostile values', (source) => {
  it('parses or names an issue, never throws anything else', () => {
    let cases = 0;
    for (const base of BASES[source]) {
      for (const path of paths(base)) {
        for (const json of HOSTILE_JSON) {
          cases += 1;
          try {
            parse(source, withValue(base, path, json));
          } catch (error) {
            if (!(error instanceof ValidationError)) throw new Error(`${source} ${path.join('.')} = ${json.slice(0, 40)}: ${String(error)}`);
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(100);
  });
});

it('covers every webhook source', () => {
  expect(Object.keys(webhookSources).sort()).toEqual((Object.keys(BASES) as string[]).filter((s) => s !== 'metrics').sort());
});
