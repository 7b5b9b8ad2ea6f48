import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import express, { Router } from 'express';
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

/** The largest body a webhook may send (413 above it). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
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

/** What a webhook handler reads: the headers and the raw body. */
export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What it answers: a status and a JSON body. */
export interface WebhookAnswer {
  status: number;
  body: unknown;
}

export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookAnswer>;

const header = (request: WebhookRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/**
 * POST /webhooks/<source>, by path: authenticate, parse item by item with the source's zod schemas,
 * store, answer. 202 {id} only once stored, with {accepted, skipped[, heartbeats]} when some items
 * were skipped or were heartbeats; 400 with every issue and nothing stored when no item is usable;
 * 401; 503 only when Redis cannot take it (Alertmanager and Datadog retry only on 5xx); 500 for
 * anything else unexpected (logged), so a bug is never resent for ever. Served by `webhookRouter`
 * (Express) and by the lean path (`lean.ts`) alike.
 */
export function webhookHandlers(deps: WebhookDeps): Map<string, WebhookHandler> {
  const handlers = new Map<string, WebhookHandler>();
  const clock = deps.clock ?? systemClock;
  const routing = alertRouting(deps.config);
  const context = () => webhookContext(deps.config, clock.now(), routing);
  const reply = (status: number, body: unknown): WebhookAnswer => ({ status, body });

  const answer = (source: WebhookSource | 'metrics', accepted: Accepted & { accepted?: number; skipped?: Skipped[]; heartbeats?: number }): WebhookAnswer => {
    deps.metrics.inboundEvents.inc({ source, outcome: accepted.duplicate ? 'duplicate' : 'stored' });
    const partial = accepted.skipped?.length || accepted.heartbeats ? { accepted: accepted.accepted, skipped: accepted.skipped ?? [] } : {};
    const heartbeats = accepted.heartbeats ? { heartbeats: accepted.heartbeats } : {};
    return reply(202, { id: accepted.id, ...(accepted.duplicate ? { duplicate: true } : {}), ...partial, ...heartbeats });
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
  /** Parse, count, store and answer one body of a source (`stored` is undefined when nothing was). */
  const receive = async (source: WebhookSource, body: unknown): Promise<{ answer: WebhookAnswer; stored?: Accepted }> => {
    const summary = summarise(parseWebhookItems(source, body, context()));
    count(source, summary, false);
    requireUsable(summary);
    if (usableCount(summary) === 0 && summary.heartbeats === 0) return { answer: reply(202, { ignored: summary.ignored[0] }) };
    const accepted = await store(source, summary, body);
    count(source, summary, true);
    return { answer: answer(source, { ...accepted, accepted: usableCount(summary), skipped: summary.skipped, heartbeats: summary.heartbeats }), stored: accepted };
  };
  /** Bearer auth for every webhook but GitHub's: the 401, or undefined when it passes. */
  const unauthorised = (request: WebhookRequest): WebhookAnswer | undefined =>
    bearerMatches(header(request, 'authorization'), deps.webhookToken)
      ? undefined
      : reply(401, { error: deps.webhookToken ? 'missing or wrong bearer token' : 'WEBHOOK_TOKEN is not configured' });
  const body = (request: WebhookRequest) => parseBody(request.body, header(request, 'content-type'));

  const handle = (source: WebhookSource | 'metrics', run: WebhookHandler) =>
    handlers.set(`/webhooks/${source}`, async (request) => {
      try {
        return await run(request);
      } catch (error) {
        if (error instanceof ValidationError) {
          deps.metrics.inboundEvents.inc({ source, outcome: 'invalid' });
          return reply(400, { error: `invalid ${source} payload`, issues: error.issues });
        }
        if (isStorageFailure(error)) {
          deps.logger.error({ err: error, source }, 'webhook could not be stored');
          return reply(503, { error: 'storage unavailable, retry later' });
        }
        // Only storage failures ask the sender to retry; a bug must not make it resend for ever.
        deps.logger.error({ err: error, source }, 'webhook failed');
        return reply(500, { error: 'internal error' });
      }
    });

  for (const source of ['deploy', 'argocd', 'alert', 'alertmanager', 'grafana', 'datadog'] as const) {
    handle(source, async (request) => unauthorised(request) ?? (await receive(source, body(request))).answer);
  }

  // Deploy-guard samples: stored per service, environment and signal; a resend adds nothing.
  handle('metrics', async (request) => {
    const refused = unauthorised(request);
    if (refused) return refused;
    const defaultEnvironment = (service: string) =>
      (Object.hasOwn(deps.config.services, service) ? deps.config.services[service]!.environment : undefined) ?? deps.config.environment;
    const parsed = parseMetrics(body(request), defaultEnvironment, clock.now().getTime());
    const batch = { ...parsed.batch, environment: routing.environment(parsed.batch.environment) ?? parsed.batch.environment };
    if (!deps.samples) return reply(503, { error: 'metric samples are not stored by this process' });
    const { added } = await deps.samples.record(batch);
    const id = createHash('sha1').update(JSON.stringify(batch)).digest('hex').slice(0, 24);
    return answer('metrics', { id, duplicate: added === 0, accepted: batch.samples.length, skipped: parsed.skipped });
  });

  handle('github', async (request) => {
    if (!githubSignatureMatches(request.body, header(request, 'x-hub-signature-256'), deps.githubSecret)) {
      return reply(401, { error: deps.githubSecret ? 'X-Hub-Signature-256 does not match' : 'GITHUB_WEBHOOK_SECRET is not configured' });
    }
    const event = header(request, 'x-github-event');
    const parsedBody = body(request);
    if (event === 'ping') {
      const ping = githubPingSchema.safeParse(parsedBody);
      return reply(200, { ok: true, zen: ping.success ? ping.data.zen : undefined });
    }
    if (event !== 'deployment_status') return reply(202, { ignored: event ?? 'unknown event' });
    // GitHub redelivers with the same X-GitHub-Delivery: answer with the first id.
    const delivery = header(request, 'x-github-delivery');
    const deliveryKey = delivery ? deps.keys.seen('github', delivery) : undefined;
    const earlier = deliveryKey ? await deps.redis.get(deliveryKey) : null;
    if (earlier) return answer('github', { id: earlier, duplicate: true });
    const { answer: answered, stored } = await receive('github', parsedBody);
    if (stored && deliveryKey) await deps.redis.set(deliveryKey, stored.id, 'EX', DELIVERY_TTL_SECONDS);
    return answered;
  });

  return handlers;
}

/**
 * The webhook handlers on Express (the body read by `express.raw`, 413 over 1 MiB): used for what
 * the lean path leaves to Express (another case or a trailing slash, an encoded body, tracing on).
 */
export function webhookRouter(deps: WebhookDeps, handlers = webhookHandlers(deps)): Router {
  const router = Router();
  router.use('/webhooks', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }));
  for (const [path, handler] of handlers) {
    router.post(path, async (req, res) => {
      const answer = await handler({ headers: req.headers, body: req.body as Buffer });
      sendJson(res, answer.status, answer.body);
    });
  }
  return router;
}

/**
 * An answer without Express's `res.json` (which hashes every body for an ETag no webhook sender
 * sends back): same status, type and length.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
