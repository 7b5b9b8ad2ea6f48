import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { observeHttp } from '../http/server';
import type { Metrics } from '../../lib/metrics';
import { sendJson, WEBHOOK_BODY_LIMIT, type WebhookHandler } from './routes';

/**
 * The webhooks without Express: a POST to exactly `/webhooks/<source>` (any query) with a plain
 * body is read here and handed to its handler, which is what a storm of alerts pays for per
 * request — Express's request setup, router walk and body parser cost about a third of the CPU of
 * storing a 10-alert group. Everything else (another case, a trailing slash, a Content-Encoding)
 * goes to `fallback` (the Express app), where the same handlers answer through `webhookRouter`. The
 * answers, the 413 over 1 MiB and the HTTP metrics are the same either way.
 */
export function leanWebhooks(handlers: Map<string, WebhookHandler>, deps: { metrics: Metrics; logger: Logger }, fallback: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const handler = req.method === 'POST' ? handlers.get(path) : undefined;
    const encoding = req.headers['content-encoding'];
    if (!handler || (encoding !== undefined && encoding !== 'identity')) return void fallback(req, res);
    observeHttp(deps.metrics, res, () => path);
    readBody(req, (body) => {
      if (!body) return sendJson(res, 413, { error: 'body larger than 1 MiB' });
      handler({ headers: req.headers, body }).then(
        (answer) => sendJson(res, answer.status, answer.body),
        (error: unknown) => {
          deps.logger.error({ err: error }, 'http request failed');
          if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        },
      );
    });
  };
}

/** The whole body, or undefined once it passes the limit (the rest is read and dropped). */
function readBody(req: IncomingMessage, then: (body: Buffer | undefined) => void): void {
  const declared = Number(req.headers['content-length']);
  if (declared > WEBHOOK_BODY_LIMIT) {
    req.resume();
    return then(undefined);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > WEBHOOK_BODY_LIMIT) {
      over = true;
      chunks.length = 0;
      then(undefined);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!over) then(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  });
}
