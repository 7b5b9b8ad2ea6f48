import { loadContent, type Content } from '../../../src/content';
import type { RecoveryPolicy } from '../../../src/domain/recovery/model';
import { QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import type { Harness } from '../../helpers/harness';
import { INCIDENT_CHANNEL, ONCALL_GROUP, RESPONDER, RESPONDER_2, SECRET } from '../../helpers/remediation';
import { postWebhook } from '../../helpers/webhooks';
import { queueJobs, withQueue } from '../../helpers/queue-jobs';
import { postsIn } from '../guard/helpers';
import { FakePrometheus as SharedFakePrometheus } from '../../helpers/prometheus';

export const PROMETHEUS = 'http://prometheus.recovery.test';

/** checkout with a rollback, a flag provider, two escalation levels and a guard (Prometheus or pushed samples). */
export function recoveryConfig(options: { prometheus?: boolean; guard?: boolean } = {}): string {
  const source = options.prometheus ? `prometheus: "${PROMETHEUS}", ` : '';
  const guard = options.guard === false ? '' : `    guard: { mode: propose, ${source}every: 1s, staleAfter: 30s }\n`;
  return `
services:
  checkout:
    channel: "#checkout-alerts"
    responders: [${RESPONDER}, ${RESPONDER_2}, ${ONCALL_GROUP}]
    escalation:
      - { after: 0m, notify: [U0ONCALL] }
      - { after: 30m, notify: [U0LEAD] }
    healthChecks: ["https://checkout.test/health"]
    rollback: { executor: http, url: "https://deployer.test/rollback", secret: "${SECRET}", attempts: 2, backoff: 100ms }
    flags: { provider: http, url: "https://flags.test/api/flags", token: "flags-token", attempts: 2, backoff: 100ms }
${guard}`;
}

let base: Content | undefined;

/** The real runbook content with second-scale recovery times (checks 0.5–1.5 s, reminders `reminders` s after). */
export function recoveryContent(overrides: Partial<RecoveryPolicy> = {}): Content {
  base ??= loadContent();
  const recovery: RecoveryPolicy = {
    errorRate: { below: 0.01, within: 1500 },
    latencyP95: { ofBaseline: 1.1, within: 1000 },
    throughput: { tolerance: 0.1, over: 30_000, within: 500 },
    checklistReminders: { validation: 2000, documentation: 2500, rootCause: 3000 },
    ...overrides,
  };
  return { ...base, policy: { ...base.policy, recovery } };
}

/** Samples pushed as a team without Prometheus would: values by signal, dated `agoMs` before now. */
export async function pushSamples(h: Pick<Harness, 'url'>, samples: { signal: string; value: number; agoMs: number }[]): Promise<void> {
  const answer = await postWebhook(h.url, 'metrics', {
    service: 'checkout',
    samples: samples.map((s) => ({ signal: s.signal, value: s.value, at: new Date(Date.now() - s.agoMs).toISOString() })),
  });
  if (answer.status !== 202) throw new Error(`metrics webhook answered ${answer.status}: ${JSON.stringify(answer.json)}`);
}

/** Healthy pushed readings: the p95 baseline before the deploy, and steady current values. */
export async function pushHealthy(h: Pick<Harness, 'url'>, deployedAt: number, current: { errorRate?: number; latencyP95?: number; throughput?: number[] } = {}): Promise<void> {
  const before = Date.now() - deployedAt;
  await pushSamples(h, [
    { signal: 'latencyP95', value: 0.2, agoMs: before + 10 * 60_000 },
    { signal: 'latencyP95', value: 0.2, agoMs: before + 5 * 60_000 },
    { signal: 'errorRate', value: current.errorRate ?? 0.004, agoMs: 1000 },
    { signal: 'latencyP95', value: current.latencyP95 ?? 0.21, agoMs: 1000 },
    ...(current.throughput ?? [100, 103, 98]).map((value, i) => ({ signal: 'throughput', value, agoMs: 20_000 - i * 8000 })),
  ]);
}

/** Posts in the incident channel's rollback thread, as text. */
export function threadTexts(h: Harness, channel = INCIDENT_CHANNEL): string[] {
  return postsIn(h, channel);
}

/** Every recovery job BullMQ holds for this prefix, with its state and due time. */
export function recoveryJobs(prefix: string) {
  return queueJobs(prefix, QUEUE_NAMES.recovery);
}

/** Run a recovery job again under another id (a replay: a retried or re-added job) and wait for it to finish. */
export function replay(prefix: string, id: string, data: Record<string, unknown>): Promise<unknown> {
  return withQueue(prefix, QUEUE_NAMES.recovery, async (queue) => {
    const job = await queue.add(String(data.kind), data, { jobId: `${id}-replay` });
    for (let i = 0; i < 400; i++) {
      const state = await job.getState();
      if (state === 'completed' || state === 'failed') return (await queue.getJob(job.id!))?.returnvalue;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`replayed job ${id} did not finish`);
  });
}

/** Prometheus at PROMETHEUS with a recovered checkout: errors under 1 %, p95 near its baseline, steady throughput. */
export class FakePrometheus extends SharedFakePrometheus {
  constructor() {
    super(PROMETHEUS, { errorRate: 0.002, latencyP95: 0.2, baseline: 0.19, throughput: 50, healthFailures: 0 });
  }
}
