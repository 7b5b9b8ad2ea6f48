import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import webhookDefinitions from '@octokit/webhooks-examples';
import { ValidationError } from '../../../src/lib/errors';
import { githubPingSchema, githubSchema, normaliseGithub } from '../../../src/inbound/webhooks/schemas/github';
import { parseTags } from '../../../src/inbound/webhooks/schemas/datadog';
import { parseConfigText } from '../../../src/config/file';
import { requireUsable, summarise } from '../../../src/inbound/webhooks/batch';
import { alertRouting } from '../../../src/inbound/webhooks/routing';
import { parseWebhookItems, type NormaliseContext, type WebhookSource } from '../../../src/inbound/webhooks/schemas';

const fixture = (source: string, name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/webhooks', source, `${name}.json`), 'utf8'));

const receivedAt = new Date('2026-11-22T10:30:00Z');

/** Parse a body as the route does (config YAML for routing); throws the route's 400 when nothing is usable. */
function parseWebhook(source: WebhookSource, body: unknown, options: Partial<NormaliseContext> & { config?: string } = {}) {
  const { config, ...context } = options;
  const routing = alertRouting(parseConfigText(config ?? '{}', 'test config', {}));
  const summary = summarise(parseWebhookItems(source, body, { routing, ...context }));
  requireUsable(summary);
  return summary;
}

function issuesOf(source: WebhookSource, body: unknown, options: Partial<NormaliseContext> & { config?: string } = {}) {
  try {
    parseWebhook(source, body, { receivedAt, ...options });
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const deploysOf = (source: WebhookSource, body: unknown, options: Partial<NormaliseContext> & { config?: string } = {}) =>
  parseWebhook(source, body, { receivedAt, ...options }).deploys;

const alertsOf = (source: WebhookSource, body: unknown, options: Partial<NormaliseContext> & { config?: string } = {}) =>
  parseWebhook(source, body, { receivedAt, ...options }).alerts;

const skippedOf = (source: WebhookSource, body: unknown, options: Partial<NormaliseContext> & { config?: string } = {}) =>
  parseWebhook(source, body, { receivedAt, ...options }).skipped;

describe('generic deploy', () => {
  it('normalises the documented event', () => {
    expect(deploysOf('deploy', fixture('deploy', 'blue-green-succeeded'))).toEqual([
      {
        service: 'checkout',
        environment: 'production',
        version: 'v1.2.3',
        previousVersion: 'v1.2.2',
        strategy: 'blue-green',
        status: 'succeeded',
        timestamp: '2026-11-22T10:00:00.000Z',
        commit: 'abc123',
        url: 'https://ci.example.com/pipelines/8812',
        actor: 'alice',
        changes: { config: true, dependencies: false, migrations: ['0042_add_col'], flags: [{ key: 'new-checkout', enabled: true }] },
        source: 'generic',
      },
    ]);
  });

  it('fills defaults and converts offsets to UTC', () => {
    const [deploy] = deploysOf('deploy', fixture('deploy', 'rolling-started-minimal'));
    expect(deploy).toMatchObject({
      environment: 'production',
      strategy: 'rolling',
      timestamp: '2026-11-22T08:58:30.000Z',
      changes: { config: false, dependencies: false, migrations: [], flags: [] },
    });
  });

  it('takes the time of receipt when there is no timestamp, and partial changes', () => {
    const [deploy] = deploysOf('deploy', { service: 's', version: '1', status: 'succeeded', changes: { config: true } });
    expect(deploy?.timestamp).toBe('2026-11-22T10:30:00.000Z');
    expect(deploy?.strategy).toBe('direct');
    expect(deploy?.changes).toEqual({ config: true, dependencies: false, migrations: [], flags: [] });
  });

  it('names every invalid field by its path', () => {
    const body = {
      service: '',
      version: 'v1',
      strategy: 'big-bang',
      status: 'done',
      timestamp: '2026-11-22 10:00',
      changes: { flags: [{ key: 'x', enabled: 'yes' }] },
    };
    expect(issuesOf('deploy', body).map((i) => i.path)).toEqual([
      'service',
      'strategy',
      'status',
      'timestamp',
      'changes.flags.0.enabled',
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(issuesOf('deploy', 'hello')).toEqual([{ path: '', message: expect.stringContaining('expected object') }]);
  });
});

describe('GitHub deployment_status', () => {
  type Example = { deployment_status: { state: string } };
  const allExamples = webhookDefinitions.flatMap((definition) =>
    definition.name === 'deployment_status' ? (definition.examples as Example[]) : [],
  );
  const ghesExamples = ['ghes-31', 'ghes-35'].flatMap((dir) => {
    const definitions = JSON.parse(
      readFileSync(require.resolve(`@octokit/webhooks-examples/${dir}/index.json`), 'utf8'),
    ) as { name: string; examples: Example[] }[];
    return definitions.filter((d) => d.name === 'deployment_status').flatMap((d) => d.examples);
  });

  it.each([...allExamples, ...ghesExamples].map((example, index) => [index, example] as const))(
    'parses real example %i from @octokit/webhooks-examples',
    (_index, example) => {
      const parsed = githubSchema.safeParse(example);
      expect(parsed.error?.issues).toBeUndefined();
      const deploy = parsed.success ? normaliseGithub(parsed.data) : undefined;
      expect(deploy).toMatchObject({ service: 'Hello-World', source: 'github', strategy: 'direct' });
      expect(deploy?.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(deploy?.version).toBe(deploy?.commit);
    },
  );

  it('maps the real in_progress example to started, in its environment', () => {
    const example = allExamples.find((e) => e.deployment_status.state === 'in_progress');
    const [deploy] = deploysOf('github', example);
    expect(deploy).toMatchObject({
      status: 'started',
      environment: 'github-pages',
      url: 'https://github.com/Codertocat/Hello-World/runs/145988746?check_suite_focus=true',
      timestamp: '2022-01-03T01:28:40.000Z',
      actor: 'Codertocat',
    });
  });

  it('reads our fields from the deployment payload and maps the repository to a service', () => {
    const [deploy] = deploysOf('github', fixture('github', 'deployment-status-success'), {
      serviceForRepository: (fullName: string) => (fullName === 'acme/checkout-service' ? 'checkout' : undefined),
    });
    expect(deploy).toEqual({
      service: 'checkout',
      environment: 'production',
      version: 'v1.2.3',
      previousVersion: 'v1.2.2',
      strategy: 'canary',
      status: 'succeeded',
      timestamp: '2026-11-22T09:58:40.000Z',
      commit: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      url: 'https://github.com/acme/checkout-service/actions/runs/11873521',
      actor: 'alice',
      changes: { config: false, dependencies: true, migrations: [], flags: [{ key: 'express-pay', enabled: true }] },
      source: 'github',
    });
  });

  it.each([
    ['success', 'succeeded'],
    ['failure', 'failed'],
    ['error', 'failed'],
    ['pending', 'started'],
    ['queued', 'started'],
    ['in_progress', 'started'],
  ])('maps state %s to %s', (state, status) => {
    const body = fixture('github', 'deployment-status-success') as { deployment_status: { state: string } };
    body.deployment_status.state = state;
    expect(deploysOf('github', body)[0]?.status).toBe(status);
  });

  it('reports nothing for inactive and waiting statuses', () => {
    const body = fixture('github', 'deployment-status-success') as { deployment_status: { state: string } };
    for (const state of ['inactive', 'waiting']) {
      body.deployment_status.state = state;
      expect(deploysOf('github', body)).toEqual([]);
    }
  });

  it('accepts a payload given as JSON text and uses a version-like ref', () => {
    const body = fixture('github', 'deployment-status-success') as { deployment: { payload: unknown; ref: string } };
    body.deployment.payload = '{"strategy":"rolling"}';
    body.deployment.ref = 'refs/tags/v2.0.1';
    expect(deploysOf('github', body)[0]).toMatchObject({ version: 'v2.0.1', strategy: 'rolling', service: 'checkout-service' });
  });

  it('names invalid fields, including those inside the payload', () => {
    const body = fixture('github', 'deployment-status-success') as Record<string, Record<string, unknown>>;
    (body.deployment_status as Record<string, unknown>).state = 'exploded';
    (body.deployment as Record<string, unknown>).payload = { strategy: 'yolo' };
    delete body.repository?.full_name;
    expect(issuesOf('github', body).map((i) => i.path)).toEqual([
      'deployment_status.state',
      'deployment.payload.strategy',
      'repository.full_name',
    ]);
  });

  it('parses the real ping examples', () => {
    const pings = webhookDefinitions.flatMap((definition) => (definition.name === 'ping' ? definition.examples : []));
    expect(pings.length).toBeGreaterThan(0);
    for (const ping of pings) expect(githubPingSchema.safeParse(ping).success).toBe(true);
  });
});

describe('Argo CD notification', () => {
  it('normalises a successful sync', () => {
    expect(deploysOf('argocd', fixture('argocd', 'deployed'))).toEqual([
      {
        service: 'checkout',
        environment: 'production',
        version: '9f3c1e2a7b4d5c6e8f9a0b1c2d3e4f5a6b7c8d9e',
        previousVersion: undefined,
        strategy: 'rolling',
        status: 'succeeded',
        timestamp: '2026-11-22T10:03:41.000Z',
        commit: '9f3c1e2a7b4d5c6e8f9a0b1c2d3e4f5a6b7c8d9e',
        url: 'https://argocd.example.com/applications/checkout-prod',
        actor: 'admin',
        changes: { config: false, dependencies: false, migrations: [], flags: [] },
        source: 'argocd',
      },
    ]);
  });

  it('treats "" and "<no value>" as absent and falls back to the app and defaults', () => {
    const [deploy] = deploysOf('argocd', fixture('argocd', 'sync-running-unlabelled'), {
      serviceForApp: (app: string) => (app === 'payments' ? 'payments-api' : undefined),
      defaultEnvironment: 'staging',
    });
    expect(deploy).toMatchObject({
      service: 'payments-api',
      environment: 'staging',
      version: '1.8.0',
      status: 'started',
      timestamp: '2026-11-22T10:30:00.000Z',
    });
    expect(deploy?.actor).toBeUndefined();
    expect(deploy?.commit).toBeUndefined();
  });

  it('records a rollback against the revision it took out', () => {
    expect(deploysOf('argocd', fixture('argocd', 'rollback'))[0]).toMatchObject({
      status: 'rolled_back',
      version: '9f3c1e2a7b4d5c6e8f9a0b1c2d3e4f5a6b7c8d9e',
      previousVersion: '4b2a90c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3',
      strategy: 'blue-green',
    });
  });

  it('reports a rollback that failed or still runs as such', () => {
    const rollback = fixture('argocd', 'rollback') as object;
    expect(deploysOf('argocd', { ...rollback, phase: 'Failed' })[0]).toMatchObject({ status: 'failed', version: '4b2a90c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1a3' });
    expect(deploysOf('argocd', { ...rollback, phase: 'Running' })[0]?.status).toBe('started');
  });

  it.each([
    [{ phase: 'Failed' }, 'failed'],
    [{ phase: 'Error' }, 'failed'],
    [{ phase: 'Running' }, 'started'],
    [{ phase: '', syncStatus: 'Synced' }, 'succeeded'],
    [{ phase: '<no value>', syncStatus: 'OutOfSync' }, 'started'],
  ])('maps %j to %s', (patch, status) => {
    const body = { ...(fixture('argocd', 'deployed') as object), ...patch };
    expect(deploysOf('argocd', body)[0]?.status).toBe(status);
  });

  it('names invalid fields', () => {
    const body = { ...(fixture('argocd', 'deployed') as object), revision: '', phase: 'Exploded', operation: 'deploy' };
    expect(issuesOf('argocd', body).map((i) => i.path)).toEqual(['phase', 'operation']);
    const noRevision = { ...(fixture('argocd', 'deployed') as object), revision: '<no value>' };
    expect(issuesOf('argocd', noRevision)).toEqual([{ path: 'revision', message: expect.stringContaining('no revision') }]);
  });
});

describe('generic alert', () => {
  it('normalises the documented alert', () => {
    expect(alertsOf('alert', fixture('alert', 'high-error-rate'))).toEqual([
      {
        fingerprint: 'checkout-high-error-rate',
        source: 'generic',
        service: 'checkout',
        environment: 'production',
        name: 'HighErrorRate',
        severity: 'critical',
        status: 'firing',
        startsAt: '2026-11-22T10:12:00.000Z',
        endsAt: undefined,
        summary: '5xx rate 7%',
        labels: { endpoint: '/api/orders', env: 'production' },
        value: 0.07,
        url: undefined,
      },
    ]);
  });

  it('computes a stable fingerprint from source, service, name and sorted labels', () => {
    const base = { service: 'checkout', name: 'HighErrorRate', startsAt: '2026-11-22T10:12:00Z' };
    const [a] = alertsOf('alert', { ...base, labels: { a: '1', b: '2' } });
    const [b] = alertsOf('alert', { ...base, labels: { b: '2', a: '1' }, status: 'resolved' });
    const [c] = alertsOf('alert', { ...base, labels: { a: '1', b: '3' } });
    expect(a?.fingerprint).toMatch(/^[0-9a-f]{40}$/);
    expect(b?.fingerprint).toBe(a?.fingerprint);
    expect(c?.fingerprint).not.toBe(a?.fingerprint);
    expect(a).toMatchObject({ severity: 'warning', status: 'firing' });
  });

  it('names invalid fields', () => {
    const body = { name: 'X', status: 'burning', startsAt: 'yesterday', labels: { code: { nested: true } }, value: '7%' };
    expect(issuesOf('alert', body).map((i) => i.path)).toEqual(['service', 'status', 'startsAt', 'labels.code', 'value']);
  });

  it('takes labels as text: numbers and booleans turned into text, anything else a problem at its own path, __proto__ dropped', () => {
    const base = { service: 'checkout', name: 'HighErrorRate', startsAt: '2026-11-22T10:12:00Z' };
    const [alert] = alertsOf('alert', JSON.parse(JSON.stringify({ ...base, labels: { code: 500, canary: true, zone: 'eu-1' } }).replace('"zone"', '"__proto__":"x","zone"')));
    expect(alert!.labels).toEqual({ code: '500', canary: 'true', zone: 'eu-1' });
    expect(Object.getPrototypeOf(alert!.labels)).toBe(Object.prototype);
    expect(issuesOf('alert', { ...base, labels: { a: 'ok', b: null, c: ['x'] } })).toEqual([
      { path: 'labels.b', message: 'must be a string, number or boolean' },
      { path: 'labels.c', message: 'must be a string, number or boolean' },
    ]);
    expect(issuesOf('alert', { ...base, labels: ['x'] })).toEqual([{ path: 'labels', message: 'Invalid input: expected record, received array' }]);
    expect(issuesOf('alertmanager', { ...fixture('alertmanager', 'group-firing-and-resolved') as object, groupLabels: 'x' }).map((i) => i.path)).toEqual(['groupLabels']);
  });
});

describe('Alertmanager webhook v4', () => {
  it('turns every alert of the group, firing and resolved, into an Alert', () => {
    const alerts = alertsOf('alertmanager', fixture('alertmanager', 'group-firing-and-resolved'));
    expect(alerts.map((a) => [a.fingerprint, a.service, a.name, a.status, a.severity])).toEqual([
      ['3b15fd163d36582e', 'checkout', 'HighErrorRate', 'firing', 'critical'],
      ['c8a2b4e1f0d9a713', 'checkout', 'HighLatencyP95', 'firing', 'warning'],
      ['9f0e5a7cb21d4468', 'checkout', 'PodCrashLooping', 'resolved', 'critical'],
      ['5e1f7a3d90b2c684', 'payments', 'HighErrorRate', 'firing', 'critical'],
    ]);
    expect(alerts[0]).toMatchObject({
      source: 'alertmanager',
      environment: 'production',
      startsAt: '2026-11-22T10:12:04.532Z',
      summary: '5xx rate 7.2% on checkout /api/orders',
      value: 0.072,
      url: expect.stringMatching(/^http:\/\/prometheus-0:9090\/graph\?g0\.expr=/),
      labels: expect.objectContaining({ route: '/api/orders' }),
    });
    expect(alerts[0]?.endsAt).toBeUndefined(); // 0001-01-01: unset
    expect(alerts[1]?.endsAt).toBeUndefined(); // a firing alert's endsAt is only an expiry estimate
    expect(alerts[2]).toMatchObject({ endsAt: '2026-11-22T10:10:49.800Z', summary: expect.stringContaining('restarted 4 times') });
  });

  it('takes the service from the configured labels, in order', () => {
    const alerts = alertsOf('alertmanager', fixture('alertmanager', 'alert-without-service'), { config: 'alerts: { serviceLabels: [namespace] }' });
    expect(alerts.map((a) => a.service)).toEqual(['shop', 'shop', 'shop', 'shop']);
    expect(skippedOf('alertmanager', fixture('alertmanager', 'alert-without-service'), { config: 'alerts: { serviceLabels: [job] }' })).toEqual([
      { index: 2, reason: 'alerts.2: no service: none of the labels job is set and alerts.catchAll is not configured' },
    ]);
  });

  it('finds the service of an alert without a service label in app, and skips only what has none', () => {
    const alerts = alertsOf('alertmanager', fixture('alertmanager', 'alert-without-service'));
    expect(alerts.map((a) => a.service)).toEqual(['checkout', 'checkout', 'checkout', 'payments']);
    const body = fixture('alertmanager', 'alert-without-service') as { alerts: { labels: Record<string, string> }[] };
    delete body.alerts[3]?.labels.app;
    const summary = parseWebhook('alertmanager', body);
    expect(summary.alerts).toHaveLength(3);
    expect(summary.skipped).toEqual([{ index: 3, reason: expect.stringMatching(/^alerts\.3: no service: none of the labels service, app, app\.kubernetes\.io\/name is set/) }]);
  });

  it('refuses a group in which no alert is usable, naming each', () => {
    const body = fixture('alertmanager', 'alert-without-service') as { alerts: { labels: Record<string, string> }[] };
    for (const alert of body.alerts) {
      delete alert.labels.service;
      delete alert.labels.app;
    }
    expect(issuesOf('alertmanager', body).map((i) => i.path)).toEqual(['alerts.0', 'alerts.1', 'alerts.2', 'alerts.3']);
  });

  it('names structural problems by path', () => {
    const body = fixture('alertmanager', 'group-firing-and-resolved') as { version: string; alerts: Record<string, unknown>[] };
    body.version = '3';
    (body.alerts[1] as Record<string, unknown>).status = 'pending';
    (body.alerts[3] as Record<string, unknown>).startsAt = 'soon';
    expect(issuesOf('alertmanager', body).map((i) => i.path)).toEqual(['version', 'alerts.1.status', 'alerts.3.startsAt']);
  });
});

describe('Grafana alerting webhook', () => {
  it('normalises firing and resolved alerts', () => {
    const alerts = alertsOf('grafana', fixture('grafana', 'firing-and-resolved'));
    expect(alerts).toEqual([
      {
        fingerprint: 'a1f7c26e3b9d0e54',
        source: 'grafana',
        service: 'checkout',
        environment: 'production',
        name: 'Checkout error rate',
        severity: 'critical',
        status: 'firing',
        startsAt: '2026-11-22T10:14:10.000Z',
        endsAt: undefined,
        summary: 'Checkout 5xx rate above 5%',
        labels: expect.objectContaining({ endpoint: 'all', trigger: 'load' }),
        value: 0.081,
        url: 'https://grafana.example.com/d/shop-checkout?orgId=1&viewPanel=4',
      },
      expect.objectContaining({
        fingerprint: '0d6e4a8b5c2f9173',
        status: 'resolved',
        endsAt: '2026-11-22T10:02:00.000Z',
        value: 118,
        url: 'https://grafana.example.com/alerting/grafana/b93kd0s8a1mzqe/view?orgId=1',
      }),
    ]);
  });

  it('skips the alert without a service, keeping the other', () => {
    const body = fixture('grafana', 'firing-and-resolved') as { alerts: { labels: Record<string, string> }[] };
    delete body.alerts[1]?.labels.service;
    const summary = parseWebhook('grafana', body);
    expect(summary.alerts.map((a) => a.name)).toEqual(['Checkout error rate']);
    expect(summary.skipped).toEqual([{ index: 1, reason: expect.stringContaining('alerts.1: no service') }]);
  });
});

describe('Datadog webhook', () => {
  it('parses tags into labels', () => {
    expect(parseTags('env:prod, service:checkout,team:a,team:b,canary,url:http://x:1')).toEqual({
      env: 'prod',
      service: 'checkout',
      team: 'a,b',
      canary: '',
      url: 'http://x:1',
    });
  });

  it('normalises a trigger and matches its recovery by fingerprint', () => {
    const [triggered] = alertsOf('datadog', fixture('datadog', 'triggered'));
    const [recovered] = alertsOf('datadog', fixture('datadog', 'recovered'));
    expect(triggered).toEqual({
      fingerprint: expect.stringMatching(/^[0-9a-f]{40}$/),
      source: 'datadog',
      service: 'checkout',
      environment: 'production',
      name: 'Checkout 5xx rate is high',
      severity: 'critical',
      status: 'firing',
      startsAt: '2026-11-22T10:32:00.000Z',
      endsAt: undefined,
      summary: expect.stringContaining('trace.http.request.errors'),
      labels: { env: 'production', service: 'checkout', team: 'shop', monitor: '', path: '/api/orders', priority: 'P1', monitor_id: '148203921' },
      value: 0.064,
      url: 'https://app.datadoghq.com/event/event?id=7702145523914726192',
    });
    expect(recovered).toMatchObject({ status: 'resolved', severity: 'info', endsAt: '2026-11-22T10:47:00.000Z' });
    expect(recovered?.fingerprint).toBe(triggered?.fingerprint);
  });

  it.each([
    ['Re-Triggered', 'firing'],
    ['Warn', 'firing'],
    ['No Data', 'firing'],
    ['Renotify', 'firing'],
    ['Recovered', 'resolved'],
  ])('maps transition %s to %s', (transition, status) => {
    const body = { ...(fixture('datadog', 'triggered') as object), alert_transition: transition };
    expect(alertsOf('datadog', body)[0]?.status).toBe(status);
  });

  it('prefers a service field and a severity tag', () => {
    const body = { ...(fixture('datadog', 'triggered') as object), service: 'orders', tags: 'severity:Warning', alert_scope: '' };
    expect(alertsOf('datadog', body)[0]).toMatchObject({ service: 'orders', severity: 'warning' });
  });

  it('names what is missing or wrong', () => {
    const body = { ...(fixture('datadog', 'triggered') as object), alert_transition: 'Exploded', date: 'tomorrow' };
    expect(issuesOf('datadog', body).map((i) => i.path)).toEqual(['alert_transition', 'date']);
    const noService = { ...(fixture('datadog', 'triggered') as object), tags: 'env:production', alert_scope: '', title: 'High', alert_title: 'High' };
    expect(issuesOf('datadog', noService)).toEqual([{ path: '', message: expect.stringMatching(/^no service: none of the labels service, app/) }]);
  });
});
