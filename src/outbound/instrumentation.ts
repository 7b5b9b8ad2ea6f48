import type { WebClient } from '@slack/web-api';
import { Queue, type ConnectionOptions, type Job, type Worker } from 'bullmq';
import type { Metrics } from '../lib/metrics';
import { QUEUE_NAMES, queuePrefix } from './jobs/queues';

/** The two steps of WebClient.apiCall we observe; both are looked up on the instance at call time. */
interface ObservableClient {
  makeRequest(url: string, body: unknown, headers?: unknown): Promise<object>;
  buildResult(response: object): Promise<{ ok?: boolean; error?: string }>;
}

const methodOf = (url: string) => url.split('?')[0]?.split('/').pop() || 'unknown';

/**
 * Count every Web API call by method and outcome: `ok`, Slack's error code, or `request_error` when
 * no answer came. A 429 is counted apart as it happens (the client then waits and retries by itself).
 * The typed helpers (client.chat.postMessage…) are bound to apiCall when the client is built, so the
 * count hooks the request and result steps apiCall goes through rather than apiCall itself.
 */
export function instrumentSlackClient(client: WebClient, metrics: Metrics): void {
  client.on('rate_limited' as never, (_retrySec: number, request: { url?: string }) => {
    metrics.slackCalls.inc({ method: methodOf(request?.url ?? ''), outcome: 'rate_limited' });
  });
  const observable = client as unknown as ObservableClient;
  const makeRequest = observable.makeRequest.bind(client);
  const buildResult = observable.buildResult.bind(client);
  const methods = new WeakMap<object, string>();
  observable.makeRequest = async (url, body, headers) => {
    try {
      const response = await makeRequest(url, body, headers);
      methods.set(response, methodOf(url));
      return response;
    } catch (error) {
      metrics.slackCalls.inc({ method: methodOf(url), outcome: 'request_error' });
      throw error;
    }
  };
  observable.buildResult = async (response) => {
    const result = await buildResult(response);
    const method = methods.get(response);
    if (method) metrics.slackCalls.inc({ method, outcome: result.ok === false ? (result.error ?? 'error') : 'ok' });
    return result;
  };
}


/** Attempts, their duration, and remediation outcomes, from a worker's events. */
export function instrumentWorker(worker: Worker, metrics: Metrics): void {
  const queue = worker.name;
  const observe = (job: Job, outcome: string) => {
    metrics.jobs.inc({ queue, outcome });
    if (job.processedOn !== undefined && job.finishedOn !== undefined) {
      metrics.jobDuration.observe({ queue, outcome }, (job.finishedOn - job.processedOn) / 1000);
    }
  };
  worker.on('completed', (job) => {
    observe(job, 'completed');
    if (queue === QUEUE_NAMES.remediation) metrics.remediations.inc({ kind: job.name, outcome: 'succeeded' });
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    observe(job, final ? 'failed' : 'retried');
    if (final && queue === QUEUE_NAMES.remediation) metrics.remediations.inc({ kind: job.name, outcome: 'failed' });
  });
}

/** Queue depth per queue and state, read from Redis when /metrics is scraped. Returns a closer. */
export function watchQueueDepth(metrics: Metrics, settings: { connection: ConnectionOptions; prefix: string; hashTags?: boolean }): () => Promise<void> {
  const queues = Object.values(QUEUE_NAMES).map((name) => {
    const queue = new Queue(name, { connection: settings.connection, prefix: queuePrefix(name, settings) });
    queue.on('error', () => undefined);
    return queue;
  });
  const states = ['waiting', 'active', 'delayed', 'failed'] as const;
  const gauge = metrics.queueJobs as typeof metrics.queueJobs & { collect?: () => Promise<void> };
  gauge.collect = async () => {
    await Promise.all(
      queues.map(async (queue) => {
        const counts = await queue.getJobCounts(...states).catch(() => undefined);
        if (!counts) return;
        for (const state of states) gauge.set({ queue: queue.name, state }, counts[state] ?? 0);
      }),
    );
  };
  return async () => {
    await Promise.all(queues.map((queue) => queue.close()));
  };
}
