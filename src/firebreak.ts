import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { missingSlackVariables, type Env } from './config/env';
import type { ConfigFile } from './config/file';
import type { Content } from './content';
import { IncidentService } from './domain/incidents/service';
import { createHttpApp, finishHttpApp } from './inbound/http/server';
import { createSlackApp } from './inbound/slack/app';
import type { SlackDeps } from './inbound/slack/deps';
import { startIncidentEventWorker } from './inbound/workers/incident-events';
import { systemClock, type Clock } from './lib/clock';
import { redisKeys } from './lib/keys';
import { createMetrics } from './lib/metrics';
import { BullIncidentEventBus } from './outbound/jobs/incident-event-bus';
import { createQueue, QUEUE_NAMES } from './outbound/jobs/queues';
import { SlackDirectory } from './outbound/slack/directory';
import { SlackIncidentPublisher } from './outbound/slack/incident-publisher';
import { RedisIncidentStore } from './outbound/store/incident-store';

export interface FirebreakOptions {
  env: Env;
  config: ConfigFile;
  content: Content;
  redisUrl: string;
  logger: Logger;
  clock?: Clock;
  /** Run BullMQ workers in this process (default true); a web-only replica may turn them off. */
  workers?: boolean;
}

export interface Firebreak {
  url: string;
  port: number;
  slack: App | undefined;
  redis: Redis;
  close(): Promise<void>;
}

/** Build and start everything: Redis connections, queues, workers, the HTTP app and Bolt. */
export async function startFirebreak(options: FirebreakOptions): Promise<Firebreak> {
  const { env, config, content, logger } = options;
  const clock = options.clock ?? systemClock;
  const keys = redisKeys(env.FIREBREAK_REDIS_PREFIX);
  const metrics = createMetrics();

  // Commands fail fast when Redis is down (webhooks answer 503); BullMQ needs retries forever.
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  const bullConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  bullConnection.on('error', (err) => logger.warn({ err: err.message }, 'redis (bullmq) connection error'));
  const queueSettings = { connection: bullConnection, prefix: keys.bullPrefix };

  const incidentEventsQueue = createQueue(QUEUE_NAMES.incidentEvents, queueSettings);
  const repository = new RedisIncidentStore(redis, keys);
  const incidents = new IncidentService(repository, new BullIncidentEventBus(incidentEventsQueue), clock);

  const workers: Worker[] = [];
  const readiness = [
    { name: 'redis', check: async () => (await redis.ping()) === 'PONG' },
    { name: 'workers', check: async () => options.workers === false || workers.every((w) => w.isRunning()) },
  ];
  const httpApp = createHttpApp({ metrics, readiness, logger });

  const missing = missingSlackVariables(env);
  let slack: App | undefined;
  let client: WebClient;
  if (missing.length === 0) {
    const deps: SlackDeps = { incidents, config, content, clock, logger, redis, keys };
    slack = createSlackApp({ env, httpApp, deps });
    client = slack.client;
  } else {
    client = new WebClient(undefined, env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {});
    httpApp.post('/slack/events', (_req, res) => {
      res.status(503).json({ error: `Slack is not configured: set ${missing.join(' and ')}` });
    });
  }
  finishHttpApp(httpApp, logger);

  if (options.workers !== false) {
    const directory = new SlackDirectory(client, redis, keys);
    const publisher = new SlackIncidentPublisher({ client, repository, incidents, directory, content, config, logger });
    workers.push(startIncidentEventWorker({ ...queueSettings, handlers: [publisher], logger }));
  }

  const server: Server = createServer(httpApp);
  // Slack must be acknowledged within 3 s; never keep a slow client's socket forever.
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  if (slack && env.SLACK_APP_TOKEN) await slack.start();
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${env.HOST}:${port}`,
    port,
    slack,
    redis,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      if (slack && env.SLACK_APP_TOKEN) await slack.stop();
      await Promise.all(workers.map((w) => w.close()));
      await incidentEventsQueue.close();
      await Promise.all([redis.quit().catch(() => undefined), bullConnection.quit().catch(() => undefined)]);
    },
  };
}
