import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { PrometheusClientConfig } from '../../config/guard';
import type { GapKind } from '../../domain/guard/model';
import { outboundDispatcher } from '../../lib/outbound-http';

/** One instant-query answer: the worst series' value, or why there is none. */
export type PromReading = { value: number } | { gap: GapKind; problem: string; /** A 4xx: the query itself is wrong, asking again will not help. */ rejected?: boolean };

const sample = z.tuple([z.number(), z.string()]);

/** `GET /api/v1/query` answers (https://prometheus.io/docs/prometheus/latest/querying/api/). */
const successSchema = z.object({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: z.record(z.string(), z.string()).optional(), value: sample })) }),
    z.object({ resultType: z.literal('scalar'), result: sample }),
  ]),
});
const errorSchema = z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() });

const EXCERPT = 200;

/**
 * Prometheus's HTTP API, instant queries only. Never throws: an unreachable server, an error answer
 * or a result that is not a vector/scalar is an `unreachable` gap; an empty result or NaN is `no-data`.
 * Several series: the worst (highest) value counts.
 */
export interface PrometheusClientOptions {
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Sent with every query (auth, tenant headers). */
  headers?: Record<string, string>;
  /** For a private CA (and the proxy with it); default: the global dispatcher. */
  dispatcher?: Dispatcher;
}

/** The client options a `guard.prometheusClient` block asks for. */
export function prometheusClientOptions(config: PrometheusClientConfig | undefined, env: NodeJS.ProcessEnv = process.env): PrometheusClientOptions {
  if (!config) return {};
  const headers: Record<string, string> = { ...config.headers };
  if (config.bearerToken) headers.Authorization = `Bearer ${config.bearerToken}`;
  if (config.basicAuth) {
    headers.Authorization = `Basic ${Buffer.from(`${config.basicAuth.username}:${config.basicAuth.password}`).toString('base64')}`;
  }
  return { timeoutMs: config.timeout, headers, ...(config.ca ? { dispatcher: outboundDispatcher(env, { ca: config.ca }) } : {}) };
}

export class PrometheusClient {
  private readonly endpoint: string;

  constructor(
    readonly baseUrl: string,
    private readonly options: PrometheusClientOptions = {},
  ) {
    this.endpoint = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  }

  async instant(query: string, atMs: number): Promise<PromReading> {
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    const url = `${this.endpoint}?${new URLSearchParams({ query, time: (atMs / 1000).toFixed(3) }).toString()}`;
    let status: number;
    let text: string;
    try {
      const init = {
        method: 'GET',
        redirect: 'manual',
        headers: this.options.headers,
        signal: AbortSignal.timeout(timeoutMs),
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      } as RequestInit;
      const response = await (this.options.fetch ?? globalThis.fetch)(url, init);
      status = response.status;
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { gap: 'unreachable', problem: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${rootCause(error)})` };
    }
    const json = parseJson(text);
    const ok = successSchema.safeParse(json);
    if (status >= 200 && status < 300 && ok.success) return valueOf(ok.data.data);
    const failed = errorSchema.safeParse(json);
    const reason = failed.success ? [failed.data.errorType, failed.data.error].filter(Boolean).join(': ') : text.slice(0, EXCERPT);
    const rejected = status >= 400 && status < 500 && status !== 408 && status !== 429;
    return { gap: 'unreachable', problem: `HTTP ${status}${reason ? `: ${reason}` : ''}`, ...(rejected ? { rejected } : {}) };
  }
}

function valueOf(data: z.infer<typeof successSchema>['data']): PromReading {
  const texts = data.resultType === 'scalar' ? [data.result[1]] : data.result.map((series) => series.value[1]);
  // +Inf (p95 beyond the top histogram bucket) is as bad as it gets; stored as the largest number.
  const values = texts.map((t) => (t === '+Inf' ? Number.MAX_VALUE : Number(t))).filter(Number.isFinite);
  if (values.length === 0) return { gap: 'no-data', problem: texts.length === 0 ? 'the query matched no series' : 'the query returned NaN' };
  return { value: Math.max(...values) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** fetch wraps socket errors as `TypeError: fetch failed`: the code of the real one (ECONNREFUSED…). */
function rootCause(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    if ('code' in current && typeof current.code === 'string') return current.code;
    if (!('cause' in current) || !current.cause) break;
    current = current.cause;
  }
  return error instanceof Error ? error.message : String(error);
}
