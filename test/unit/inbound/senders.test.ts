import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../../src/config/file';
import { requireUsable, summarise, webhookContext } from '../../../src/inbound/webhooks/batch';
import { parseWebhookItems, type WebhookSource } from '../../../src/inbound/webhooks/schemas';
import { ValidationError } from '../../../src/lib/errors';

/** Real senders' shapes (their own docs and repositories), one test per shape. */

const fixture = <T extends object = Record<string, unknown>>(path: string): T =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/webhooks', `${path}.json`), 'utf8')) as T;

const CONFIG = `
services:
  checkout: { channel: "#checkout-alerts" }
  platform: { channel: "#platform" }
argocd:
  applications: { checkout-prod: checkout }
`;

function parse(source: WebhookSource, body: unknown, config = CONFIG) {
  const context = webhookContext(parseConfigText(config, 'test config', {}), new Date('2026-11-22T10:30:00Z'));
  return summarise(parseWebhookItems(source, body, context));
}

describe('Alertmanager: a kube-prometheus group with Watchdog, a node-exporter InstanceDown and a pod alert', () => {
  const body = fixture('alertmanager/watchdog-and-instance-down');

  it('counts Watchdog as a heartbeat, routes by app.kubernetes.io/name, and skips only the unroutable alert', () => {
    const summary = parse('alertmanager', body);
    expect(summary.heartbeats).toBe(1);
    expect(summary.alerts.map((a) => [a.name, a.service])).toEqual([['KubePodCrashLooping', 'checkout']]);
    expect(summary.skipped).toEqual([{ index: 1, reason: expect.stringContaining('alerts.1: no service') }]);
    expect(summary.unroutable).toBe(1);
    expect(() => requireUsable(summary)).not.toThrow();
  });

  it('sends the unroutable alert to the catch-all service when one is configured', () => {
    const summary = parse('alertmanager', body, `${CONFIG}\nalerts: { catchAll: platform }`);
    expect(summary.alerts.map((a) => [a.name, a.service])).toEqual([
      ['InstanceDown', 'platform'],
      ['KubePodCrashLooping', 'checkout'],
    ]);
    expect(summary.skipped).toEqual([]);
  });

  it('takes configured heartbeat names and severities', () => {
    const summary = parse('alertmanager', body, `${CONFIG}\nalerts: { heartbeats: { names: [InstanceDown], severities: [] } }`);
    expect(summary.heartbeats).toBe(1);
    expect(summary.alerts.map((a) => a.name)).toEqual(['KubePodCrashLooping']);
    expect(summary.skipped.map((s) => s.index)).toEqual([0]); // Watchdog is an ordinary alert now, without a service
  });

  it('a group of only heartbeats is usable (answered 2xx), not a 400', () => {
    const only = { ...body, alerts: [(body as { alerts: unknown[] }).alerts[0]] };
    const summary = parse('alertmanager', only);
    expect(summary).toMatchObject({ heartbeats: 1, alerts: [], skipped: [] });
    expect(() => requireUsable(summary)).not.toThrow();
  });
});

describe('Grafana: the contact point Test button', () => {
  it('is a test alert filed under no real service', () => {
    const summary = parse('grafana', fixture('grafana/test-notification'));
    expect(summary.tests).toBe(1);
    expect(summary.alerts).toEqual([expect.objectContaining({ test: true, service: '_test', name: 'TestAlert', summary: 'Notification test', severity: 'info' })]);
  });
});

describe('Datadog: the default payload', () => {
  it('reads the transition, priority and scope from the title', () => {
    const summary = parse('datadog', fixture('datadog/default-payload'));
    expect(summary.skipped).toEqual([]);
    expect(summary.alerts[0]).toMatchObject({
      service: 'checkout',
      environment: 'production', // env:prod through environmentAliases
      name: 'Checkout 5xx rate is high',
      status: 'firing',
      severity: 'critical', // P2
      startsAt: '2026-11-22T10:32:00.000Z',
      labels: expect.objectContaining({ priority: 'P2' }),
    });
  });

  it('takes $ALERT_PRIORITY from alert_priority and Recovered from the title', () => {
    const body = { ...fixture('datadog/default-payload'), title: '[Recovered on {service:checkout}] Checkout 5xx rate is high', alert_priority: 'P4' };
    expect(parse('datadog', body).alerts[0]).toMatchObject({ status: 'resolved', severity: 'info', labels: expect.objectContaining({ priority: 'P4' }) });
  });

  it.each([['1e400'], ['99999999999999999999'], [String(8.64e15 + 1)]])('refuses the date %s outside JavaScript dates as an issue', (date) => {
    const summary = parse('datadog', { ...fixture('datadog/default-payload'), date });
    expect(summary.issues.map((i) => i.path)).toEqual(['date']);
    expect(() => requireUsable(summary)).toThrow(ValidationError);
  });

  it('a list of payloads is taken item by item', () => {
    const good = fixture<Record<string, unknown>>('datadog/triggered');
    const summary = parse('datadog', [good, { ...good, date: 99e99 }]);
    expect(summary.alerts).toHaveLength(1);
    expect(summary.skipped).toEqual([{ index: 1, reason: expect.stringContaining('1.date') }]);
  });
});

describe('Argo CD: a multi-source application', () => {
  it('stores the sync result revisions, never "<no value>", and maps the app and the environment', () => {
    const [deploy] = parse('argocd', fixture('argocd/multi-source')).deploys;
    expect(deploy).toMatchObject({ service: 'checkout', environment: 'production', version: '9f3c1e2a7b4d5c6e8f9a0b1c2d3e4f5a6b7c8d9e+4.2.1' });
    expect(JSON.stringify(deploy)).not.toContain('<no value>');
  });

  it('takes revisions as a JSON list too', () => {
    const body = { ...fixture('argocd/multi-source'), revisions: ['abc1234', 'def5678'] };
    expect(parse('argocd', body).deploys[0]?.version).toBe('abc1234+def5678');
  });
});

describe('environment aliases', () => {
  it('prod means production by default, and more aliases can be configured', () => {
    const deploy = { service: 'checkout', environment: 'PROD', version: 'v2', status: 'succeeded' };
    expect(parse('deploy', deploy).deploys[0]?.environment).toBe('production');
    const aliased = parse('deploy', { ...deploy, environment: 'stg' }, `${CONFIG}\nenvironmentAliases: { stg: staging, prod: production }`);
    expect(aliased.deploys[0]?.environment).toBe('staging');
  });
});

describe('generic lists', () => {
  it('stores the usable alerts of a list and names the others by index', () => {
    const summary = parse('alert', [{ service: 'checkout', name: 'A' }, { name: 'B' }, { service: 'checkout', name: 'C', status: 'exploded' }]);
    expect(summary.alerts.map((a) => a.name)).toEqual(['A']);
    expect(summary.skipped.map((s) => s.index)).toEqual([1, 2]);
    expect(summary.skipped[1]?.reason).toContain('2.status');
  });

  it('an empty list is a 400', () => {
    expect(() => parse('alert', [])).toThrow(ValidationError);
  });
});

describe('prototype words from senders (found by fuzzing: a 503)', () => {
  it.each([['constructor'], ['__proto__'], ['toString']])('alert_type and severity %s are plain words', (word) => {
    const body = { ...fixture('datadog/triggered'), alert_type: word, tags: `service:checkout,severity:${word}` };
    const [alert] = parse('datadog', body).alerts;
    expect(alert?.severity).toBe(word.toLowerCase());
    const typed = parse('datadog', { ...fixture('datadog/triggered'), alert_type: word, tags: 'service:checkout' }).alerts[0];
    expect(typed?.severity).toBe('critical'); // no severity from the type: the priority P1 decides
  });
});
