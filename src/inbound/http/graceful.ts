import type { Server } from 'node:http';

/** How often a closing server looks for connections that went idle (their request answered). */
const POLL_MS = 25;

export interface GracefulServer {
  /** Requests being served right now. */
  inFlight(): number;
  /**
   * Stop accepting connections, let the requests already in progress finish (at most `graceMs`),
   * closing each kept-alive connection as soon as it is idle; then cut whatever is left.
   */
  close(graceMs: number): Promise<void>;
}

/** Count the server's requests so a stop can wait for them instead of cutting them. */
export function gracefulServer(server: Server): GracefulServer {
  let inFlight = 0;
  let closing = false;
  // First listener, before the app's: the header must be set before any handler answers.
  server.prependListener('request', (_req, res) => {
    inFlight += 1;
    if (closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      inFlight -= 1;
    });
  });
  return {
    inFlight: () => inFlight,
    async close(graceMs) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = Date.now() + graceMs;
      server.closeIdleConnections();
      while (inFlight > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        server.closeIdleConnections();
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
