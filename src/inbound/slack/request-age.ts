import type { RequestHandler } from 'express';

/** Slack's replay window: a request signed more than 5 minutes away from now is refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

/**
 * Bolt's receiver refuses requests signed more than 5 minutes ago but accepts any timestamp in the
 * future, so a captured request could be replayed for as long as its forger liked. This runs before
 * Bolt on POST /slack/events and answers 401 to a timestamp more than 5 minutes ahead. It reads the
 * wall clock as Bolt does (`nowMs`), since Slack signs with real time.
 */
export function refuseFutureTimestamps(nowMs: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const header = req.header('x-slack-request-timestamp');
    const timestamp = header === undefined ? Number.NaN : Number(header);
    if (Number.isFinite(timestamp) && timestamp > Math.floor(nowMs() / 1000) + MAX_SKEW_SECONDS) {
      res.status(401).json({ error: 'x-slack-request-timestamp is more than 5 minutes in the future' });
      return;
    }
    next();
  };
}
