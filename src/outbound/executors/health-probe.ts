import type { HealthProbe } from '../../domain/remediation/action-ports';
import type { HealthCheckResult } from '../../domain/remediation/model';

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
      return { url, ok: false, error: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${rootMessage(error)})` };
    }
  }
}

function rootMessage(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    if ('code' in current && typeof current.code === 'string') return current.code;
    if (!('cause' in current) || !current.cause) break;
    current = current.cause;
  }
  return error instanceof Error ? error.message : String(error);
}
