import { createHash } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { RedisClient } from '../../lib/redis-connection';
import type { Logger } from 'pino';
import type { ConfigFile } from '../../config/file';
import type { MetricSampleSink } from '../../domain/guard/ports';
import type { Accepted, IntakeService } from '../../domain/intake/service';
import { systemClock, type Clock } from '../../lib/clock';
import { ValidationError } from '../../lib/errors';
import { isStorageFailure } from '../../lib/storage-failure';
import type { RedisKeys } from '../../lib/keys';
import type { Metrics } from '../../lib/metrics';
import { bearerMatches, githubSignatureMatches } from './auth';
import { parseBody, requireUsable, summarise, usableCount, webhookContext, type BatchSummary } from './batch';
import { alertRouting } from './routing';
import { githubPingSchema, parseWebhookItems, type WebhookSource } from './schemas';
import { parseMetrics, type Skipped } from './schemas/metrics';

const BODY_LIMIT = '1mb';
const DELIVERY_TTL_SECONDS = 7 * 24 * 3600;

export interface WebhookDeps {
  intake: IntakeService;
  config: ConfigFile;
  redis: RedisClient;
  keys: RedisKeys;
  metrics: Metrics;
  logger: Logger;
  webhookToken?: string;
  githubSecret?: string;
  /** Deploy-guard samples (POST /webhooks/metrics); without it that route answers 503. */
  samples?: MetricSampleSink;
  clock?: Clock;
}

/**
 * POST /webhooks/<source>: authenticate, parse item by item with the source's zod schemas, store,
 * answer. 202 {id} only once stored, with {accepted, skipped[, heartbeats]} when some items were
 * skipped or were heartbeats; 400 with every issue and nothing stored when no item is usable; 401;
 * 413 over 1 MiB; 503 only when Redis cannot take it (Alertmanager and Datadog retry only on 5xx);
 * 500 for anything else unexpected (logged), so a bug is never resent for ever.
 */
export function webhookRouter(deps: WebhookDeps): Router {
  const router = Router();
  const clock = deps.clock ?? systemClock;
  const routing = alertRouting(deps.config);
  const context = () => webhookContext(deps.config, clock.now(), routing);
  router.use('/webhooks', express.raw({ type: () => true, limit: BODY_LIMIT }));

  const answer = (
    source: WebhookSource | 'metrics',
    res: Response,
    accepted: Accepted & { accepted?: number; skipped?: Skipped[]; heartbeats?: number },
  ) => {
    deps.metrics.inboundEvents.inc({ source, outcome: accepted.duplicate ? 'duplicate' : 'stored' });
    const partial = accepted.skipped?.length || accepted.heartbeats ? { accepted: accepted.accepted, skipped: accepted.skipped ?? [] } : {};
    const heartbeats = accepted.heartbeats ? { heartbeats: accepted.heartbeats } : {};
    sendJson(res, 202, { id: accepted.id, ...(accepted.duplicate ? { duplicate: true } : {}), ...partial, ...heartbeats });
  };
  /** Items by outcome in /metrics: skipped ones at once, the others once stored. */
  const count = (source: WebhookSource, summary: BatchSummary, stored: boolean) => {
    const outcomes = stored
      ? {
          accepted: usableCount(summary) - summary.unknownServices - summary.tests,
          unknown_service: summary.unknownServices,
          test: summary.tests,
          heartbeat: summary.heartbeats,
        }
      : { skipped_invalid: summary.skipped.length - summary.unroutable, skipped_unroutable: summary.unroutable };
    for (const [outcome, n] of Object.entries(outcomes)) if (n > 0) deps.metrics.webhookItems.inc({ source, outcome }, n);
  };
  /** Store what the body carries; heartbeats only note when the sender last proved its path. */
  const store = async (source: WebhookSource, summary: BatchSummary, body: unknown): Promise<Accepted> => {
    const results: Accepted[] = [];
    if (summary.deploys.length > 0) results.push(await deps.intake.receiveDeploys(summary.deploys));
    if (summary.alerts.length > 0) results.push(await deps.intake.receiveAlerts(summary.alerts));
    if (summary.heartbeats > 0) await deps.redis.set(deps.keys.heartbeat(source), clock.now().toISOString());
    if (results.length === 1) return results[0]!;
    const id = createHash('sha1').update(JSON.stringify(body)).digest('hex').slice(0, 24);
    return { id, duplicate: results.length > 0 && results.every((r) => r.duplicate) };
  };
  /** Parse, count, store and answer one body of a source. */
  const receive = async (source: WebhookSource, body: unknown, res: Response): Promise<Accepted | undefined> => {
    const summary = summarise(parseWebhookItems(source, body, context()));
    count(source, summary, false);
    requireUsable(summary);
    if (usableCount(summary) === 0 && summary.heartbeats === 0) {
      res.status(202).json({ ignored: summary.ignored[0] });
      return undefined;
    }
    const accepted = await store(source, summary, body);
    count(source, summary, true);
    answer(source, res, { ...accepted, accepted: usableCount(summary), skipped: summary.skipped, heartbeats: summary.heartbeats });
    return accepted;
  };
  /** Bearer auth for every webhook but GitHub's; false (and 401 sent) when it fails. */
  const authorised = (req: Request, res: Response) => {
    if (bearerMatches(req.get('authorization'), deps.webhookToken)) return true;
    res.status(401).json({ error: deps.webhookToken ? 'missing or wrong bearer token' : 'WEBHOOK_TOKEN is not configured' });
    return false;
  };

  const handle = (source: WebhookSource | 'metrics', run: (req: Request, res: Response) => Promise<void>) =>
    router.post(`/webhooks/${source}`, async (req, res) => {
      try {
        await run(req, res);
      } catch (error) {
        if (error instanceof ValidationError) {
          deps.metrics.inboundEvents.inc({ source, outcome: 'invalid' });
          res.status(400).json({ error: `invalid ${source} payload`, issues: error.issues });
          return;
        }
        if (isStorageFailure(error)) {
          deps.logger.error({ err: error, source }, 'webhook could not be stored');
          res.status(503).json({ error: 'storage unavailable, retry later' });
          return;
        }
        // Only storage failures ask the sender to retry; a bug must not make it resend for ever.
        deps.logger.error({ err: error, source }, 'webhook failed');
        res.status(500).json({ error: 'internal error' });
      }
    });

  for (const source of ['deploy', 'argocd', 'alert', 'alertmanager', 'grafana', 'datadog'] as const) {
    handle(source, async (req, res) => {
      if (!authorised(req, res)) return;
      await receive(source, parseBody(req), res);
    });
  }

  // Deploy-guard samples: stored per service, environment and signal; a resend adds nothing.
  handle('metrics', async (req, res) => {
    if (!authorised(req, res)) return;
    const defaultEnvironment = (service: string) =>
      (Object.hasOwn(deps.config.services, service) ? deps.config.services[service]!.environment : undefined) ?? deps.config.environment;
    const parsed = parseMetrics(parseBody(req), defaultEnvironment, clock.now().getTime());
    const batch = { ...parsed.batch, environment: routing.environment(parsed.batch.environment) ?? parsed.batch.environment };
    const { skipped } = parsed;
    if (!deps.samples) {
      res.status(503).json({ error: 'metric samples are not stored by this process' });
      return;
    }
    const { added } = await deps.samples.record(batch);
    const id = createHash('sha1').update(JSON.stringify(batch)).digest('hex').slice(0, 24);
    answer('metrics', res, { id, duplicate: added === 0, accepted: batch.samples.length, skipped });
  });

  handle('github', async (req, res) => {
    if (!githubSignatureMatches(req.body as Buffer, req.get('x-hub-signature-256'), deps.githubSecret)) {
      res.status(401).json({ error: deps.githubSecret ? 'X-Hub-Signature-256 does not match' : 'GITHUB_WEBHOOK_SECRET is not configured' });
      return;
    }
    const event = req.get('x-github-event');
    const body = parseBody(req);
    if (event === 'ping') {
      const ping = githubPingSchema.safeParse(body);
      res.status(200).json({ ok: true, zen: ping.success ? ping.data.zen : undefined });
      return;
    }
    if (event !== 'deployment_status') {
      res.status(202).json({ ignored: event ?? 'unknown event' });
      return;
    }
    // GitHub redelivers with the same X-GitHub-Delivery: answer with the first id.
    const delivery = req.get('x-github-delivery');
    const deliveryKey = delivery ? deps.keys.seen('github', delivery) : undefined;
    const earlier = deliveryKey ? await deps.redis.get(deliveryKey) : null;
    if (earlier) {
      answer('github', res, { id: earlier, duplicate: true });
      return;
    }
    const accepted = await receive('github', body, res);
    if (accepted && deliveryKey) await deps.redis.set(deliveryKey, accepted.id, 'EX', DELIVERY_TTL_SECONDS);
  });

  return router;
}

/**
 * The hot path's answer without Express's `res.json` (which hashes every body for an ETag no
 * webhook sender sends back): same status, type and length.
 */
function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
