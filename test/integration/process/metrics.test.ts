import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { postWebhook } from '../../helpers/webhooks';
import { metricsText, sample } from '../../helpers/metrics';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();


describe('GET /metrics', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('standard process and Node names, build info, Slack calls by method (429s apart), jobs and queue depth', async () => {
    h = await startHarness({ config: 'services: { checkout: { channel: "#checkout-alerts" } }' });
    let limited = 0;
    h.slack.on('chat.postMessage', () => (limited++ === 0 ? { status: 429, headers: { 'Retry-After': '1' }, ok: false, error: 'ratelimited' } : undefined));
    await postWebhook(h.url, 'alert', { service: 'checkout', name: 'HighErrorRate', severity: 'critical', startsAt: minutesAgo(1) });
    await waitFor('the card', () => h.slack.called('chat.postMessage').length === 2, 15_000);

    const read = () => metricsText(h.url);
    await waitFor('the digest job counted', async () => (sample(await read(), 'firebreak_jobs_total', { queue: 'alert-digests', outcome: 'completed' }) ?? 0) >= 1);
    const text = await read();
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeDefined();
    expect(text).not.toContain('firebreak_process_');
    expect(sample(text, 'firebreak_build_info', { version: '0.1.0', node: process.version })).toBe(1);
    expect(sample(text, 'firebreak_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'rate_limited' })).toBe(1);
    expect(sample(text, 'firebreak_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'firebreak_job_duration_seconds_count', { queue: 'alert-digests', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    for (const state of ['waiting', 'active', 'delayed', 'failed']) {
      expect(sample(text, 'firebreak_queue_jobs', { queue: 'remediation', state })).toBe(0);
    }
    expect(sample(text, 'firebreak_inbound_events_total', { source: 'alert', outcome: 'stored' })).toBe(1);
  });

  it("counts a Slack error by its code, and a job that failed for good apart from one retried", async () => {
    h = await startHarness({ config: 'services: { checkout: { channel: "#checkout-alerts" } }' });
    h.slack.on('chat.postMessage', () => ({ ok: false, error: 'internal_error' }));
    await postWebhook(h.url, 'alert', { service: 'checkout', name: 'HighErrorRate', severity: 'critical', startsAt: minutesAgo(1) });
    const read = () => metricsText(h.url);
    await waitFor('the failed call counted', async () => (sample(await read(), 'firebreak_slack_api_calls_total', { method: 'chat.postMessage', outcome: 'internal_error' }) ?? 0) >= 1);
    await waitFor('the retry counted', async () => (sample(await read(), 'firebreak_jobs_total', { queue: 'alert-digests', outcome: 'retried' }) ?? 0) >= 1);
    expect(sample(await read(), 'firebreak_jobs_total', { queue: 'alert-digests', outcome: 'failed' })).toBeUndefined();
  });
});
