import { createHash } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConfigFile } from '../../config/file';
import type { MetricSampleSink } from '../../domain/guard/ports';
import type { Accepted, IntakeService } from '../../domain/intake/service';
import { systemClock, type Clock } from '../../lib/clock';
import { ValidationError, type Issue } from '../../lib/errors';
import type { RedisKeys } from '../../lib/keys';
import type { Metrics } from '../../lib/metrics';
import { bearerMatches, githubSignatureMatches } from './auth';
import { githubPingSchema, parseWebhook, type WebhookContent, type WebhookOptions, type WebhookSource } from './schemas';
import { parseMetrics, type Skipped } from './schemas/metrics';

const BODY_LIMIT = '1mb';
const DELIVERY_TTL_SECONDS = 7 * 24 * 3600;

export interface WebhookDeps {
  intake: IntakeService;
  config: ConfigFile;
  redis: Redis;
  keys: RedisKeys;
  metrics: Metrics;
  logger: Logger;
  webhookToken?: string;
  githubSecret?: string;
  /** Deploy-guard samples (POST /webhooks/metrics); without it that route answers 503. */
  samples?: MetricSampleSink;
  clock?: Clock;
}

class BadRequest extends Error {
  constructor(readonly issues: Issue[]) {
    super('invalid body');
  }
}

function parseJson(req: Request): unknown {
  const raw = req.body as Buffer | undefined;
  if (!raw || raw.length === 0) throw new BadRequest([{ path: '', message: 'body is empty; expected JSON' }]);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new BadRequest([{ path: '', message: `body is not valid JSON: ${(error as Error).message}` }]);
  }
}

/**
 * POST /webhooks/<source>: authenticate, parse with the source's zod schema, store, answer.
 * 202 {id} only once stored; 400 with every issue and nothing stored; 401; 413 over 1 MiB;
 * 503 when Redis cannot take it (Alertmanager and Datadog retry only on 5xx).
 */
export function webhookRouter(deps: WebhookDeps): Router {
  const router = Router();
  const options: WebhookOptions = {
    serviceLabel: deps.config.alerts.serviceLabel,
    serviceForRepository: (fullName) => deps.config.github.repositories[fullName],
    defaultEnvironment: deps.config.environment,
  };
  router.use('/webhooks', express.raw({ type: () => true, limit: BODY_LIMIT }));

  const clock = deps.clock ?? systemClock;
  const answer = (source: WebhookSource | 'metrics', res: Response, accepted: Accepted & { accepted?: number; skipped?: Skipped[] }) => {
    deps.metrics.inboundEvents.inc({ source, outcome: accepted.duplicate ? 'duplicate' : 'stored' });
    const partial = accepted.skipped?.length ? { accepted: accepted.accepted, skipped: accepted.skipped } : {};
    res.status(202).json({ id: accepted.id, ...(accepted.duplicate ? { duplicate: true } : {}), ...partial });
  };
  const store = (content: WebhookContent) =>
    content.kind === 'deploys' ? deps.intake.receiveDeploys(content.deploys) : deps.intake.receiveAlerts(content.alerts);
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
        if (error instanceof BadRequest || error instanceof ValidationError) {
          deps.metrics.inboundEvents.inc({ source, outcome: 'invalid' });
          res.status(400).json({ error: `invalid ${source} payload`, issues: error.issues });
          return;
        }
        deps.logger.error({ err: error, source }, 'webhook could not be stored');
        res.status(503).json({ error: 'storage unavailable, retry later' });
      }
    });

  for (const source of ['deploy', 'argocd', 'alert', 'alertmanager', 'grafana', 'datadog'] as const) {
    handle(source, async (req, res) => {
      if (!authorised(req, res)) return;
      answer(source, res, await store(parseWebhook(source, parseJson(req), { ...options, receivedAt: new Date() })));
    });
  }

  // Deploy-guard samples: stored per service, environment and signal; a resend adds nothing.
  handle('metrics', async (req, res) => {
    if (!authorised(req, res)) return;
    const defaultEnvironment = (service: string) => deps.config.services[service]?.environment ?? deps.config.environment;
    const { batch, skipped } = parseMetrics(parseJson(req), defaultEnvironment, clock.now().getTime());
    if (!deps.samples) throw new Error('metric samples are not stored by this process');
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
    const body = parseJson(req);
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
    const content = parseWebhook('github', body, options);
    if (content.kind === 'deploys' && content.deploys.length === 0) {
      res.status(202).json({ ignored: 'deployment_status without a deploy (inactive or waiting)' });
      return;
    }
    const accepted = await store(content);
    if (deliveryKey) await deps.redis.set(deliveryKey, accepted.id, 'EX', DELIVERY_TTL_SECONDS);
    answer('github', res, accepted);
  });

  return router;
}
