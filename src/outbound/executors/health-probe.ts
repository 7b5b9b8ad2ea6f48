import type { HealthProbe } from '../../domain/remediation/action-ports';
import type { HealthCheckResult } from '../../domain/remediation/model';
import { rootCause } from '../../lib/network-errors';

/** GET a health endpoint: any 2xx within the timeout passes; redirects are not followed. */
export class HttpHealthProbe implements HealthProbe {
  constructor(private readonly options: { timeoutMs?: number; fetch?: typeof fetch } = {}) {}

  async check(url: string): Promise<HealthCheckResult> {
    const doFetch = this.options.fetch ?? globalThis.fetch;
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    try {
      const response = await doFetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel().catch(() => undefined);
      return { url, ok: response.status >= 200 && response.status < 300, status: response.status };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { url, ok: false, error: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${rootCause(error)})` };
    }
  }
}
