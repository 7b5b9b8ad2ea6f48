import type { ServerResponse } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../../lib/metrics';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

/**
 * The one HTTP app on PORT: health, readiness, metrics; Bolt's receiver and the webhook routes
 * are mounted on it by the composition root.
 */
export function createHttpApp(options: {
  metrics: Metrics;
  readiness: ReadinessCheck[];
  logger: Logger;
  /** True once the process is stopping: /readyz answers 503 so traffic moves elsewhere; everything else still serves. */
  draining?: () => boolean;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.use((req: Request, res: Response, next: NextFunction) => {
    observeHttp(options.metrics, res, () => (req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.path.startsWith('/slack') ? '/slack/events' : 'unmatched'));
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    if (options.draining?.()) {
      res.status(503).json({ status: 'draining', checks: { draining: true } });
      return;
    }
    const results = await Promise.all(
      options.readiness.map(async ({ name, check }) => [name, await check().catch(() => false)] as const),
    );
    const ready = results.every(([, ok]) => ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });

  return app;
}

/** Count the request and time it once answered, under its route template (never the raw path). */
export function observeHttp(metrics: Metrics, res: ServerResponse, route: () => string): void {
  const stop = metrics.httpDuration.startTimer();
  res.on('finish', () => {
    const name = route();
    metrics.httpRequests.inc({ route: name, code: String(res.statusCode) });
    stop({ route: name });
  });
}

/** Last handler: a JSON 404 and a JSON 500 that never leaks internals. */
export function finishHttpApp(app: Express, logger: Logger): void {
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) logger.error({ err: error }, 'http request failed');
    if (res.headersSent) return;
    res.status(status).json({ error: status === 413 ? 'body larger than 1 MiB' : status < 500 ? 'bad request' : 'internal error' });
  });
}
