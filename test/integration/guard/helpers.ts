import type { GuardWindow } from '../../../src/domain/guard/model';
import { redisKeys } from '../../../src/lib/keys';
import { QUEUE_NAMES } from '../../../src/outbound/jobs/queues';
import { RedisGuardStore } from '../../../src/outbound/store/guard-store';
import type { Harness } from '../../helpers/harness';
import { ONCALL_GROUP, RESPONDER, SECRET } from '../../helpers/remediation';
import { postWebhook } from '../../helpers/webhooks';
import { queueJobs } from '../../helpers/queue-jobs';
import { FakePrometheus as SharedFakePrometheus } from '../../helpers/prometheus';

export const PROMETHEUS = 'http://prometheus.test';
export const SERVICE_CHANNEL = '#checkout-alerts';

/**
 * checkout with a guard at test speed: an evaluation every 250 ms, breaches sustained for 1 s
 * (p95: 2 s). `guard` adds YAML flow-map fields (e.g. `prometheus: …` or `staleAfter: 1s`).
 */
export function guardConfig(mode: 'propose' | 'auto', options: { guard?: string; prometheus?: boolean } = {}): string {
  const prometheus = options.prometheus === false ? '' : `prometheus: "${PROMETHEUS}", `;
  return `
services:
  checkout:
    channel: "${SERVICE_CHANNEL}"
    responders: [${RESPONDER}, ${ONCALL_GROUP}]
    escalation:
      - { after: 0m, notify: [U0ONCALL] }
      - { after: 30m, notify: [U0LEAD] }
    healthChecks: ["https://checkout.test/health"]
    rollback: { executor: http, url: "https://deployer.test/rollback", secret: "${SECRET}", attempts: 2, backoff: 100ms }
    guard: { mode: ${mode}, ${prometheus}every: 250ms, errorRate: { for: 1s }, latencyP95: { for: 2s }, healthFailures: { for: 1s }${options.guard ? `, ${options.guard}` : ''} }
`;
}

/** Prometheus at PROMETHEUS with a healthy checkout: 1 % errors, p95 0.2 s at its baseline, no health failures. */
export class FakePrometheus extends SharedFakePrometheus {
  constructor() {
    super(PROMETHEUS, { errorRate: 0.01, latencyP95: 0.2, healthFailures: 0, baseline: 0.2 });
  }
}

export async function postDeploy(h: Harness, overrides: Record<string, unknown> = {}): Promise<string> {
  const answer = await postWebhook(h.url, 'deploy', {
    service: 'checkout',
    environment: 'production',
    version: 'v1.2.3',
    previousVersion: 'v1.2.2',
    strategy: 'blue-green',
    status: 'succeeded',
    actor: 'alice',
    ...overrides,
  });
  if (answer.status !== 202) throw new Error(`deploy webhook answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  return String(answer.json.id);
}

export function guardWindow(h: Pick<Harness, 'redis' | 'prefix'>, deployId: string): Promise<GuardWindow | undefined> {
  return new RedisGuardStore(h.redis, redisKeys(h.prefix), { retentionMs: 86_400_000 }).window(deployId);
}

/** Messages posted to `channel` (top level and threads), as text. */
export function postsIn(h: Harness, channel: string): string[] {
  return h.slack
    .called('chat.postMessage')
    .filter((c) => c.body.channel === channel)
    .map((c) => String(c.body.text));
}

/** Every guard tick job BullMQ holds for this harness, with its state. */
export function guardJobs(prefix: string) {
  return queueJobs(prefix, QUEUE_NAMES.guard);
}
