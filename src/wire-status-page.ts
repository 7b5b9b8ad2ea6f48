import type { Worker } from 'bullmq';
import type { Router } from 'express';
import { DEFAULT_STATUS_PAGE } from './config/status-page';
import type { TimerScheduler } from './domain/escalation/ports';
import { StatusPageService } from './domain/status/service';
import { statusPageRouter } from './inbound/http/status-page';
import { startStatusPageWorker } from './inbound/workers/status-page';
import { createQueue, QUEUE_NAMES } from './outbound/jobs/queues';
import { BullPublishQueue } from './outbound/jobs/status-queue';
import { SlackStatusNotifier } from './outbound/slack/status-notifier';
import { statusProvider } from './outbound/status';
import { RedisStatusStore } from './outbound/store/status-store';
import type { Wiring } from './wiring';

export interface StatusPageWiring {
  service: StatusPageService;
  /** GET /status, /status.json, /status/feed. */
  router: Router;
  startWorker(): Worker;
  close(): Promise<void>;
}

/** Part of the composition root: the public status page, its publication queue, worker and provider. */
export function wireStatusPage(options: Wiring & {
  /** The timers queue's scheduler (status page reminders are durable timers like update reminders). */
  scheduler: TimerScheduler;
}): StatusPageWiring {
  const { redis, keys, queueSettings, config, content, clock } = options;
  const page = config.statusPage ?? DEFAULT_STATUS_PAGE;
  const queue = createQueue(QUEUE_NAMES.statusPage, queueSettings);
  const store = new RedisStatusStore(redis, keys);
  const service = new StatusPageService({
    incidents: options.incidents,
    store,
    queue: new BullPublishQueue(queue),
    notifier: new SlackStatusNotifier(options.client),
    scheduler: options.scheduler,
    provider: statusProvider(page),
    render: (id, vars) => content.render(id, vars).toString(),
    updateEveryMs: content.policy.statusPage.updateEvery,
    clock,
  });
  const router = statusPageRouter({
    title: page.title,
    services: page.services ?? Object.keys(config.services),
    published: (limit) => store.list(limit),
    clock,
    publicUrl: page.publicUrl,
  });
  return {
    service,
    router,
    startWorker: () => startStatusPageWorker({ ...queueSettings, service, logger: options.logger }),
    close: () => queue.close(),
  };
}
