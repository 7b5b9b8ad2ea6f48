import { Router, type Request } from 'express';
import { statusPageFeed } from '../../blocks/status-page-feed';
import { statusPageHtml } from '../../blocks/status-page-html';
import { statusPageJson, statusPageView } from '../../blocks/status-page-view';
import type { PublicIncident } from '../../domain/status/model';
import type { Clock } from '../../lib/clock';

const MAX_INCIDENTS = 50;

/** No script, no outside asset, no framing: the page needs only its own inline style. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The public, read-only status page: GET /status (HTML), /status.json, /status/feed (Atom). No
 * login; it shows only what people published from Slack, and each configured service's state.
 */
export function statusPageRouter(options: {
  title: string;
  services: string[];
  published: (limit: number) => Promise<PublicIncident[]>;
  clock: Clock;
  /** The page's public URL (statusPage.publicUrl); otherwise from the request. */
  publicUrl?: string;
}): Router {
  const router = Router();
  const base = (req: Request) => (options.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}/status`).replace(/\/+$/, '');
  const view = async () => statusPageView(options.title, options.services, await options.published(MAX_INCIDENTS), options.clock.now());

  router.get('/status', async (req, res) => {
    const page = base(req);
    res
      .set({ 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'public, max-age=15', 'Referrer-Policy': 'no-referrer' })
      .type('html')
      .send(statusPageHtml(await view(), { json: `${page}.json`, feed: `${page}/feed` }));
  });
  router.get('/status.json', async (_req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=15', 'Access-Control-Allow-Origin': '*' }).json(statusPageJson(await view()));
  });
  router.get('/status/feed', async (req, res) => {
    const page = base(req);
    res
      .set({ 'Cache-Control': 'public, max-age=60', 'X-Content-Type-Options': 'nosniff' })
      .type('application/atom+xml; charset=utf-8')
      .send(statusPageFeed(await view(), { page, feed: `${page}/feed` }));
  });
  return router;
}
