import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import type { Express } from 'express';
import { WebClient } from '@slack/web-api';
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { missingSlackVariables, type Env } from './config/env';
import type { ConfigFile } from './config/file';
import type { Content } from './content';
import { IncidentService } from './domain/incidents/service';
import { gracefulServer } from './inbound/http/graceful';
import { createHttpApp, finishHttpApp } from './inbound/http/server';
import { createSlackApp, slackClientOptions } from './inbound/slack/app';
import type { SlackDeps } from './inbound/slack/deps';
import { startIncidentEventWorker } from './inbound/workers/incident-events';
import { leanWebhooks } from './inbound/webhooks/lean';
import { webhookHandlers, webhookRouter } from './inbound/webhooks/routes';
import type { Alert } from './domain/alerts/model';
import { verdictSummary } from './blocks/alert-card';
import { systemClock, type Clock } from './lib/clock';
import { redisKeys } from './lib/keys';
import { connectRedis, type RedisClient, type RedisTarget } from './lib/redis-connection';
import { createMetrics } from './lib/metrics';
import { startTracing } from './lib/tracing';
import { tracingSettings } from './config/tracing';
import { traceRequests } from './inbound/http/tracing';
import { observeListenerClients } from './inbound/slack/observe-clients';
import { traceSlackClient } from './outbound/slack/tracing';
import { BullIncidentEventBus } from './outbound/jobs/incident-event-bus';
import { createQueue, QUEUE_NAMES } from './outbound/jobs/queues';
import { instrumentSlackClient, instrumentWorker, watchQueueDepth } from './outbound/instrumentation';
import { SlackDirectory } from './outbound/slack/directory';
import { SlackIncidentPublisher } from './outbound/slack/incident-publisher';
import { buildRunbookCard, SlackRunbookCardPublisher, type RunbookCardDeps } from './outbound/slack/runbook-card-publisher';
import { SlackRefusals } from './outbound/slack/refusals';
import { RedisSteps } from './outbound/store/steps';
import { RedisAlertStore } from './outbound/store/alert-store';
import { RedisDeployStore } from './outbound/store/deploy-store';
import { RedisIncidentStore } from './outbound/store/incident-store';
import { wireAnnouncements } from './wire-announcements';
import { wireDrills } from './wire-drills';
import { wireEscalation } from './wire-escalation';
import { wireGuard } from './wire-guard';
import { wireIntake } from './wire-intake';
import { wireOncall } from './wire-oncall';
import { wireRecovery } from './wire-recovery';
import { wireRemediation } from './wire-remediation';
import { wireStatusPage } from './wire-status-page';
import { RemediationOfferStore } from './outbound/store/remediation-offers';
import type { Wiring } from './wiring';

export interface FirebreakOptions {
  env: Env;
  config: ConfigFile;
  content: Content;
  /** A single Redis by URL; or `redisTarget` (a cluster, Sentinels). */
  redisUrl?: string;
  redisTarget?: RedisTarget;
  logger: Logger;
  clock?: Clock;
  /** Run BullMQ workers in this process; default: unless FIREBREAK_ROLE is `web`. */
  workers?: boolean;
  /** More routes on the HTTP app, mounted before the webhooks (the sandbox workspace). */
  routes?: { mount(app: Express): void };
  /** The bot's Slack ids when known beforehand (the sandbox): no auth.test before the server listens. */
  slackIdentity?: { botId: string; botUserId: string };
}

export interface Firebreak {
  url: string;
  port: number;
  slack: App | undefined;
  redis: RedisClient;
  /**
   * A graceful stop (SIGTERM): /readyz answers 503 at once while everything keeps serving for
   * `drainMs`, so load balancers move traffic elsewhere; then close().
   */
  drain(drainMs: number): Promise<void>;
  /** Close the listener (requests in progress finish), then workers (active jobs finish or are handed back), queues and Redis. */
  close(): Promise<void>;
}

/** How long in-flight HTTP requests and active jobs get to finish once closing. */
const REQUEST_GRACE_MS = 10_000;
const JOB_GRACE_MS = 10_000;

/** Wait for every promise to settle, but no longer than `ms`. */
async function settleWithin(ms: number, promises: Promise<unknown>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([Promise.allSettled(promises), timeout]);
  clearTimeout(timer);
}

/** Build and start everything: Redis connections, queues, workers, the HTTP app and Bolt. */
export async function startFirebreak(options: FirebreakOptions): Promise<Firebreak> {
  const { env, config, content, logger } = options;
  const clock = options.clock ?? systemClock;
  // `web` answers Slack and webhooks and enqueues; `worker` runs the queues and timers and serves only
  // its probes and metrics; `all` does both. Any number of each share one Redis.
  const runWorkers = options.workers ?? env.FIREBREAK_ROLE !== 'web';
  const serveTraffic = env.FIREBREAK_ROLE !== 'worker';
  const keys = redisKeys(env.FIREBREAK_REDIS_PREFIX);
  const metrics = createMetrics();
  // Off unless an OTLP endpoint is configured; started first, so every client built below is traced.
  const tracingWanted = tracingSettings(env);
  const tracing = tracingWanted ? await startTracing(tracingWanted, env.FIREBREAK_ROLE, logger) : undefined;
  if (tracingWanted) logger.info({ url: tracingWanted.url, sampler: tracingWanted.sampler }, 'tracing on: spans go to the OTLP endpoint');

  // Commands fail fast when Redis is down (webhooks answer 503); BullMQ needs retries forever.
  const target: RedisTarget = options.redisTarget ?? { kind: 'single', url: options.redisUrl ?? '' };
  const redis = connectRedis(target, 'commands');
  const bullConnection = connectRedis(target, 'bullmq');
  const producerConnection = connectRedis(target, 'producer');
  producerConnection.on('error', () => undefined);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  bullConnection.on('error', (err) => logger.warn({ err: err.message }, 'redis (bullmq) connection error'));
  const queueSettings = { connection: bullConnection, producer: producerConnection, prefix: keys.bullPrefix, hashTags: target.kind === 'cluster' };

  const incidentEventsQueue = createQueue(QUEUE_NAMES.incidentEvents, queueSettings);
  const repository = new RedisIncidentStore(redis, keys);
  const deploys = new RedisDeployStore(redis, keys, { retentionMs: config.retention, now: () => clock.now().getTime() });
  const alerts = new RedisAlertStore(redis, keys, { retentionMs: config.retention });
  const incidents = new IncidentService(repository, new BullIncidentEventBus(incidentEventsQueue), clock);
  const refusals = new SlackRefusals({ client: () => client, repository, metrics, logger });
  const wiring: Wiring = { redis, keys, queueSettings, incidents, config, content, clock, logger, client: () => client };
  const oncall = wireOncall({ ...wiring, env, refusals });
  const escalation = wireEscalation({ ...wiring, oncall, refusals });
  const announcements = wireAnnouncements({ ...wiring, deploys, members: oncall.members, refusals });
  const remediation = wireRemediation({
    ...wiring,
    deploys: announcements.history(deploys),
    alerts,
    openIncidentFor: (service) => repository.openForService(service),
    escalateNow: (incidentId, by) => escalation.service.escalateNow(incidentId, by),
    describeGuard: (deployId) => guard.guard.describe(deployId),
    oncallMembers: oncall.members,
    refusals,
    afterSuccess: (record) => recovery.watch.start(record),
  });
  const guard = wireGuard({
    ...wiring,
    repository,
    deploys,
    remediation: remediation.requests,
    listener: announcements.listener,
  });
  const recovery = wireRecovery({
    ...wiring,
    deploys,
    contexts: remediation.contexts,
    audit: remediation.audit,
    samples: guard.samples,
    escalateNow: (incidentId, by) => escalation.service.escalateNow(incidentId, by),
    refusals,
  });
  const intake = wireIntake({
    ...wiring,
    deploys,
    alerts,
    repository,
    watcher: announcements.watcher(guard.guard),
    refusals,
  });

  const statusPage = wireStatusPage({ ...wiring, scheduler: escalation.scheduler });
  escalation.routeTimers('statuspage-reminder', (timer) => statusPage.service.fire(timer));

  const runbookCards: RunbookCardDeps = { client: () => client, repository, incidents, alerts, verdict: (alert) => intake.verdict(alert), content, config };
  const drills = wireDrills(wiring);

  const workers: Worker[] = [];
  const readiness = [
    // Every connection must be up: commands, job producers (fail fast) and workers (blocking).
    { name: 'redis', check: async () => (await redis.ping()) === 'PONG' && producerConnection.status === 'ready' && bullConnection.status === 'ready' },
    { name: 'workers', check: async () => !runWorkers || workers.every((w) => w.isRunning()) },
  ];
  let draining = false;
  const httpApp = createHttpApp({ metrics, readiness, logger, draining: () => draining });
  if (tracing) httpApp.use(traceRequests());

  const missing = missingSlackVariables(env);
  let slack: App | undefined;
  let client: WebClient;
  if (serveTraffic && missing.length === 0) {
    const verdictFor = async (alert: Alert) => verdictSummary(await intake.verdict(alert));
    const offers = new RemediationOfferStore(redis, keys, config.retention);
    const runbookCard: SlackDeps['runbookCard'] = (runbook, incident) => buildRunbookCard(runbook, incident, runbookCards);
    const deps: SlackDeps = { incidents, config, content, clock, logger, redis, keys, alerts, verdictFor, escalation: escalation.service, remediation: remediation.requests, oncall, drills: drills.drills, offers, statusPage: statusPage.service, runbookCard, recoveryChecklist: recovery.steps };
    slack = createSlackApp({ env, httpApp, deps, identity: options.slackIdentity });
    client = slack.client;
  } else {
    client = new WebClient(env.SLACK_BOT_TOKEN, slackClientOptions(env));
    if (serveTraffic) {
      httpApp.post('/slack/events', (_req, res) => {
        res.status(503).json({ error: `Slack is not configured: set ${missing.join(' and ')}` });
      });
    }
  }
  options.routes?.mount(httpApp);
  let serve: RequestListener = httpApp;
  if (serveTraffic) {
    const webhookDeps = { intake: intake.intake, config, redis, keys, metrics, logger, webhookToken: env.WEBHOOK_TOKEN, githubSecret: env.GITHUB_WEBHOOK_SECRET, samples: guard.samples, clock };
    const handlers = webhookHandlers(webhookDeps);
    httpApp.use(webhookRouter(webhookDeps, handlers));
    // With tracing on, every request goes through Express (its middleware makes the spans).
    if (!tracing) serve = leanWebhooks(handlers, { metrics, logger }, httpApp);
    // The public status page is web traffic too.
    httpApp.use(statusPage.router);
  }
  finishHttpApp(httpApp, logger);

  const observeSlackClient = (c: WebClient) => {
    instrumentSlackClient(c, metrics);
    if (tracing) traceSlackClient(c);
  };
  observeSlackClient(client);
  slack?.use(observeListenerClients({ observe: observeSlackClient, already: [client], tracing: tracing !== undefined }));
  const closeQueueDepth = watchQueueDepth(metrics, { connection: producerConnection, prefix: keys.bullPrefix, hashTags: queueSettings.hashTags });
  if (runWorkers) {
    const directory = new SlackDirectory(client, redis, keys, oncall.members);
    const steps = new RedisSteps(redis, keys.incidentStep, refusals.incidentSteps);
    const refused = refusals.record.bind(refusals);
    const publisher = new SlackIncidentPublisher({ client, repository, incidents, directory, steps, refused, content, config, logger });
    workers.push(startIncidentEventWorker({ ...queueSettings, handlers: [publisher, escalation.service, remediation.offer, guard.incidentReports, oncall.mirror, drills.drills, new SlackRunbookCardPublisher({ ...runbookCards, steps }), statusPage.service], logger }));
    workers.push(statusPage.startWorker());
    workers.push(escalation.startWorker());
    workers.push(...remediation.startWorkers());
    workers.push(guard.startWorker());
    workers.push(announcements.startWorker());
    workers.push(recovery.startWorker());
    workers.push(await intake.startWorker());
    workers.push(await oncall.startWorker());
    workers.push(drills.startWorker());
    for (const worker of workers) instrumentWorker(worker, metrics);
  }

  const server: Server = createServer(serve);
  // Slack must be acknowledged within 3 s; never keep a slow client's socket forever.
  server.requestTimeout = 30_000;
  const http = gracefulServer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  if (slack && env.SLACK_APP_TOKEN) await slack.start();
  const port = (server.address() as AddressInfo).port;

  const firebreak: Firebreak = {
    url: `http://${env.HOST}:${port}`,
    port,
    slack,
    redis,
    async drain(drainMs) {
      draining = true;
      logger.info({ drainMs }, 'draining: /readyz answers 503, still serving');
      await new Promise((resolve) => setTimeout(resolve, drainMs));
      await firebreak.close();
    },
    async close() {
      draining = true;
      // Requests in progress finish (without Redis they fail fast anyway).
      await http.close(redis.status === 'ready' ? REQUEST_GRACE_MS : 2_000);
      if (slack && env.SLACK_APP_TOKEN) await slack.stop();
      // Workers finish their active jobs; one still running after the grace period keeps its lock
      // until it expires, then BullMQ's stalled-job check hands it to another worker (at least once).
      // With Redis gone, BullMQ's graceful close never finishes: give it a few seconds, then cut the connections.
      const redisUp = redis.status === 'ready';
      await settleWithin(redisUp ? JOB_GRACE_MS : 2_000, [
        ...workers.map((w) => w.close(!redisUp)),
        incidentEventsQueue.close(),
        closeQueueDepth(),
        intake.close(),
        escalation.close(),
        remediation.close(),
        guard.close(),
        announcements.close(),
        recovery.close(),
        statusPage.close(),
        drills.close(),
        oncall.close(),
      ]);
      // Workers hold their own (blocking) connections; drop them too or they reconnect forever.
      if (!redisUp) await settleWithin(1_000, workers.map((w) => w.disconnect()));
      for (const connection of [redis, bullConnection, producerConnection]) {
        if (redisUp) await connection.quit().catch(() => connection.disconnect());
        else connection.disconnect();
      }
      // Last: the spans of everything above are exported before the process ends.
      await tracing?.shutdown().catch((err: unknown) => logger.warn({ err }, 'could not export the last spans'));
    },
  };
  return firebreak;
}
