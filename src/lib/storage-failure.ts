/**
 * Redis could not be reached or refused a command: the one failure a sender should retry (503).
 * Anything else that goes wrong with a request is its input (400) or our bug (500).
 */
export function isStorageFailure(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = (e as { original?: unknown }).original ?? e.cause) {
    if (['MaxRetriesPerRequestError', 'ReplyError', 'ClusterAllFailedError'].includes(e.constructor.name)) return true;
    if (/ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|Stream isn't writeable|enableOfflineQueue|Redis is loading|LOADING|READONLY|MASTERDOWN|Command timed out/.test(e.message)) return true;
  }
  return false;
}
