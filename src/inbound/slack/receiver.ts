import { ExpressReceiver, HTTPModuleFunctions, HTTPResponseAck, type App, type ExpressReceiverOptions } from '@slack/bolt';
import type { Request, Response } from 'express';
import { isStorageFailure } from '../../lib/storage-failure';

export { isStorageFailure };

/** Bodies of requests whose middleware or listener failed, with the error (app.error sees the same body object). */
const failedRequests = new WeakMap<object, unknown>();

/** For app.error: remember that the request with this body failed, so its answer says so. */
export function noteFailedRequest(body: unknown, error: unknown): void {
  if (typeof body === 'object' && body !== null) failedRequests.set(body, error);
}

const UNHANDLED_AFTER_MS = 3001;

/**
 * Bolt's ExpressReceiver, answering every request as soon as Bolt is done with it. Bolt alone answers
 * a request nobody acknowledged (an event or payload we do not handle, a body it cannot classify)
 * with a 404 after 3 s, and a body it cannot read (`null`, an event that is not an object) with a
 * 500. Here, at once: 200 for an event nobody listens to, 404 for a command, click or form nobody
 * handles, 400 when the body could not be read or a listener failed on it, 503 only when storage
 * failed (Slack retries events).
 */
export class PromptReceiver extends ExpressReceiver {
  private readonly log: NonNullable<ExpressReceiverOptions['logger']>;

  constructor(options: ExpressReceiverOptions & { logger: NonNullable<ExpressReceiverOptions['logger']> }) {
    super(options);
    this.log = options.logger;
  }

  override async requestHandler(req: Request, res: Response): Promise<void> {
    const ack = new HTTPResponseAck({
      logger: this.log,
      processBeforeResponse: false,
      unhandledRequestTimeoutMillis: UNHANDLED_AFTER_MS,
      unhandledRequestHandler: ({ response }) => {
        if (response.headersSent) return;
        this.log.warn('a Slack request was not acknowledged within 3 seconds');
        response.writeHead(404);
        response.end();
      },
      httpRequest: req,
      httpRequestBody: req.body,
      httpResponse: res,
    });
    const bolt = (this as unknown as { bolt?: App }).bolt;
    let unreadable: unknown;
    try {
      await bolt?.processEvent({
        body: req.body,
        ack: ack.bind(),
        retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
        retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
        customProperties: {},
      });
    } catch (error) {
      unreadable = error ?? new Error('unknown');
    }
    if (res.headersSent) return;
    ack.ack(); // stops the 3 s timer: the answer is given here
    const body: unknown = req.body;
    const failed = typeof body === 'object' && body !== null && failedRequests.has(body) ? failedRequests.get(body) : undefined;
    if (unreadable !== undefined) {
      if ((unreadable as Error).name === 'AuthorizationError') res.status(401).end();
      else {
        this.log.warn(`refused a Slack request Bolt could not read: ${String((unreadable as Error).message ?? unreadable)}`);
        res.status(isStorageFailure(unreadable) ? 503 : 400).json({ error: 'malformed Slack request' });
      }
    } else if (failed === undefined) {
      // An event nobody listens to is fine (200 stops Slack's retries); a command, click or form
      // nobody handles is not accepted, so Slack keeps the modal open and says so, as Bolt's 404 did.
      const event = typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'event_callback';
      if (event) res.status(200).end();
      else res.status(404).json({ error: 'nothing handles this request' });
    }
    else if (isStorageFailure(failed)) res.status(503).json({ error: 'storage unavailable, retry later' });
    else res.status(400).json({ error: 'could not read the request' });
  }
}
