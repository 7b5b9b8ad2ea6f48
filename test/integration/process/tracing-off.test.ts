import { trace } from '@opentelemetry/api';
import nock from 'nock';
import { jobTelemetry, tracingActive } from '../../../src/lib/tracing';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { startOtlpReceiver } from '../../helpers/otlp-receiver';
import { postWebhook } from '../../helpers/webhooks';

/**
 * Every OpenTelemetry SDK module (and bullmq-otel) records here when something loads it. A `var` and
 * a function declaration: the hoisted jest.mock factories may run before this part of the file does.
 */
var mockLoaded: string[] | undefined;
function mockRecorded(name: string): unknown {
  (mockLoaded ??= []).push(name);
  return jest.requireActual(name);
}
jest.mock('@opentelemetry/sdk-trace-base', () => mockRecorded('@opentelemetry/sdk-trace-base'));
jest.mock('@opentelemetry/context-async-hooks', () => mockRecorded('@opentelemetry/context-async-hooks'));
jest.mock('@opentelemetry/otlp-transformer', () => mockRecorded('@opentelemetry/otlp-transformer'));
jest.mock('@opentelemetry/resources', () => mockRecorded('@opentelemetry/resources'));
jest.mock('bullmq-otel', () => mockRecorded('bullmq-otel'));
const loaded = () => mockLoaded ?? [];

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const CONFIG = 'services: { checkout: { channel: "#checkout-alerts" } }';

describe('tracing off', () => {
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

  const alertToCard = async (bot: Harness) => {
    expect((await postWebhook(bot.url, 'alert', { service: 'checkout', name: 'Errors', severity: 'critical', status: 'firing', startsAt: minutesAgo(1) })).status).toBe(202);
    await waitFor('alert card', () => bot.slack.postsTo('#checkout-alerts').length === 1);
  };

  it('by default: no SDK module loaded, no job telemetry, fetch untouched, only the no-op API', async () => {
    const fetchBefore = globalThis.fetch;
    h = await startHarness({ config: CONFIG });
    expect(tracingActive()).toBe(false);
    expect(jobTelemetry()).toBeUndefined();
    expect(globalThis.fetch).toBe(fetchBefore);
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    await alertToCard(h);
    await h.close();
    h = undefined;
    expect(loaded()).toEqual([]);
  });

  it('OTEL_SDK_DISABLED=true wins over a configured endpoint: nothing is exported', async () => {
    h = await startHarness({ config: CONFIG, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: 'true' } });
    expect(tracingActive()).toBe(false);
    await alertToCard(h);
    await h.close();
    h = undefined;
    expect(receiver.requests).toEqual([]);
    expect(loaded()).toEqual([]);
  });

  it('the same flow with the endpoint alone turns it on (the control for the two above)', async () => {
    h = await startHarness({ config: CONFIG, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    expect(tracingActive()).toBe(true);
    await alertToCard(h);
    await h.close();
    h = undefined;
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(loaded()).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace-base', '@opentelemetry/context-async-hooks', '@opentelemetry/otlp-transformer', '@opentelemetry/resources', 'bullmq-otel']));
  });
});
