import { trace } from '@opentelemetry/api';
import { Writable } from 'node:stream';
import nock from 'nock';
import pino from 'pino';
import { version } from '../../../package.json';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { tracingActive } from '../../../src/lib/tracing';
import { QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import { startHarness, waitFor, WEBHOOK_TOKEN, type Harness } from '../../helpers/harness';
import { KIND, startOtlpReceiver, type ReceivedSpan } from '../../helpers/otlp-receiver';
import { recordingEndpoint } from '../../helpers/recorder';
import { click, ONCALL_GROUP, SECRET, seedDeploy, seedIncident, serviceConfig, settled, untilJobsFinished } from '../../helpers/remediation';
import { postWebhook } from '../../helpers/webhooks';
import { withQueue } from '../../helpers/queue-jobs';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

function firstSweepDone(bot: Harness): Promise<void> {
  return withQueue(bot.prefix, QUEUE_NAMES.alertDigests, (queue) => waitFor('the first digest sweep', async () => (await queue.getCompletedCount()) >= 1));
}

describe('OpenTelemetry tracing', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let h: Harness | undefined;

  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    nock.cleanAll();
    await receiver.close();
  });

  const start = async (env: Record<string, string>) => {
    h = await startHarness({ config: serviceConfig(), env });
    h.slack.on('usergroups.users.list', (call) => (call.body.usergroup === ONCALL_GROUP ? { ok: true, users: ['U0ONCALL'] } : undefined));
    return h;
  };
  const one = (what: string, match: (s: ReceivedSpan) => boolean): ReceivedSpan => {
    const found = receiver.spans.filter(match);
    if (found.length !== 1) throw new Error(`${found.length} spans for ${what}: ${receiver.spans.map((s) => s.name).join(', ')}`);
    return found[0]!;
  };
  const names = (spans: ReceivedSpan[]) => spans.map((s) => s.name);

  it('traces an alert webhook through its digest job to the Slack post, in one trace, exported on close', async () => {
    const bot = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'firebreak-test', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test' });
    expect(tracingActive()).toBe(true);
    // The digest sweeper's first run would otherwise race this alert for enqueueing its digest job.
    await firstSweepDone(bot);
    const answer = await postWebhook(bot.url, 'alert', { service: 'checkout', name: 'HighErrorRate', severity: 'critical', status: 'firing', startsAt: minutesAgo(1), summary: 'secret-looking summary' });
    expect(answer.status).toBe(202);
    await waitFor('alert card', () => bot.slack.postsTo('#checkout-alerts').length === 1);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    await bot.close();
    h = undefined;
    // close() flushed the batch: everything is at the receiver now, without waiting for the export timer.
    expect(tracingActive()).toBe(false);

    // Probes are not traced.
    expect(receiver.spans.filter((s) => s.kind === KIND.server && s.attributes['http.route'] !== '/webhooks/alert')).toEqual([]);
    const server = one('webhook request', (s) => s.kind === KIND.server && s.attributes['http.route'] === '/webhooks/alert');
    expect(server.name).toBe('POST /webhooks/alert');
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 202 });
    expect(server.resource).toMatchObject({ 'service.name': 'firebreak-test', 'service.version': version, 'firebreak.role': 'all', 'deployment.environment': 'test' });

    const post = one('Slack post', (s) => s.name === 'slack chat.postMessage');
    expect(post.kind).toBe(KIND.client);
    expect(post.attributes).toMatchObject({ 'slack.method': 'chat.postMessage', 'slack.ok': true });
    const chain = receiver.ancestry(post);
    // Slack call ← digest job (consumer) ← enqueue (producer) ← the webhook request ← the sender's own
    // call (this test's fetch, traced too: its traceparent is continued), all one trace.
    expect(names(chain)).toEqual(['slack chat.postMessage', 'process alert-digests', 'add alert-digests.digest', 'POST /webhooks/alert', 'POST']);
    expect(chain[3]!.spanId).toBe(server.spanId);
    expect(new Set(chain.map((s) => s.traceId))).toEqual(new Set([server.traceId]));
    expect(chain.find((s) => s.name === 'process alert-digests')!.kind).toBe(KIND.consumer);
    expect(chain.find((s) => s.name === 'add alert-digests.digest')!.kind).toBe(KIND.producer);
    // The HTTP call under the Slack span: host, not path or body.
    const http = one('HTTP call to Slack', (s) => s.parentSpanId === post.spanId);
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'server.address': 'slack.test', 'http.response.status_code': 200 });

    // No secrets or bodies: the webhook token, the bot token and the alert's text never leave.
    const exported = receiver.requests.map((r) => r.body).join('\n');
    for (const secret of [WEBHOOK_TOKEN, 'xoxb-test-token', 'secret-looking summary', 'HighErrorRate']) expect(exported).not.toContain(secret);
    // BullMQ's housekeeping (stalled-job checks, closing) is not exported as one-span traces of its
    // own: every trace starts at a request or at a job being enqueued (the sweeper's schedule).
    const roots = receiver.spans.filter((s) => !s.parentSpanId).map((s) => s.name);
    expect(roots.filter((name) => !/^(POST|GET)( |$)|^add /.test(name))).toEqual([]);
  });

  it('traces a Rollback click through its remediation job to the executor call, which carries the trace', async () => {
    const bot = await start({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces` });
    const deploy = await seedDeploy(bot);
    const incident = await seedIncident(bot);
    const { calls } = recordingEndpoint('https://deployer.test', 'post', '/rollback', [[200, { message: 'ok' }]]);
    nock('https://checkout.test').get('/health').reply(200, 'ok').get('/ready').reply(200, 'ok');
    const context = { kind: 'incident' as const, id: incident.id };
    expect((await click(bot, { deploy, context })).status).toBe(200);
    await settled(bot, remediationActionId('rollback', context, deploy.id), 'succeeded');
    await untilJobsFinished(bot);
    await bot.close();
    h = undefined;

    const server = one('click request', (s) => s.kind === KIND.server && s.attributes['http.route'] === '/slack/events');
    expect(server.attributes).toMatchObject({ 'slack.request.type': 'block_actions', 'slack.action_id': expect.any(String), 'http.response.status_code': 200 });
    const executor = one('executor call', (s) => s.kind === KIND.client && s.attributes['server.address'] === 'deployer.test');
    expect(executor.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200, 'url.scheme': 'https', 'server.port': 443 });
    const chain = receiver.ancestry(executor);
    expect(names(chain)).toEqual(['POST', 'process remediation', 'add remediation.rollback', 'POST /slack/events', 'POST']);
    expect(chain[3]!.spanId).toBe(server.spanId);
    expect(new Set(chain.map((s) => s.traceId)).size).toBe(1);
    // The deployer received the W3C trace context of that very call.
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers.traceparent).toBe(`00-${executor.traceId}-${executor.spanId}-01`);
    // …and its signature still covers the body alone.
    expect(calls[0]!.headers['x-firebreak-signature']).toBeDefined();
    expect(receiver.requests.map((r) => r.body).join('\n')).not.toContain(SECRET);
  });

  it("marks a Slack call's 429 waits on its span, and an error answer as its outcome", async () => {
    const bot = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    let calls = 0;
    // First a rate limit (the client waits and retries within the same call), then Slack's refusal.
    bot.slack.on('chat.postMessage', () => (++calls === 1 ? { status: 429, headers: { 'Retry-After': '1' }, ok: false, error: 'ratelimited' } : { ok: false, error: 'channel_not_found' }));
    await postWebhook(bot.url, 'alert', { service: 'checkout', name: 'Errors', severity: 'critical', status: 'firing', startsAt: minutesAgo(1) });
    await waitFor('the refused post', () => calls >= 2, 15_000);
    await bot.close();
    h = undefined;

    const first = receiver.spans.filter((s) => s.name === 'slack chat.postMessage')[0]!;
    expect(first.events).toEqual([{ name: 'rate_limited', attributes: { 'slack.retry_after_s': 1 } }]);
    expect(first.attributes).toMatchObject({ 'slack.method': 'chat.postMessage', 'slack.ok': false, 'slack.error': 'channel_not_found' });
    expect(first.status.code).toBe(2); // ERROR
    // Both HTTP attempts sit under the one call's span: the 429 and the answer.
    const attempts = receiver.spans.filter((s) => s.parentSpanId === first.spanId).map((s) => s.attributes['http.response.status_code']);
    expect(attempts.sort()).toEqual([200, 429]);
  });

  it('keeps working when the collector is down: the failed export is logged, close() still resolves', async () => {
    const down = await startOtlpReceiver();
    await down.close(); // nobody listens on its port any more
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) }));
    const bot = await startHarness({ config: serviceConfig(), env: { OTEL_EXPORTER_OTLP_ENDPOINT: down.url }, logger });
    h = bot;
    await postWebhook(bot.url, 'alert', { service: 'checkout', name: 'Errors', severity: 'critical', status: 'firing', startsAt: minutesAgo(1) });
    await waitFor('alert card', () => bot.slack.postsTo('#checkout-alerts').length === 1);
    await expect(bot.close()).resolves.toBeUndefined();
    h = undefined;
    expect(tracingActive()).toBe(false);
    // …and the SDK is unregistered all the same: only the no-op API is left.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    expect(lines.join('')).toContain('ECONNREFUSED');
  });
});
