import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { WebClient } from '@slack/web-api';
import { TRACER_NAME } from '../../lib/tracing';

/** The two steps of WebClient.apiCall a span wraps (as src/outbound/instrumentation.ts counts them). */
interface ObservableClient {
  makeRequest(url: string, body: unknown, headers?: unknown): Promise<object>;
  buildResult(response: object): Promise<{ ok?: boolean; error?: string }>;
}

const methodOf = (url: string) => url.split('?')[0]?.split('/').pop() || 'unknown';

/**
 * One CLIENT span per Web API call, `slack <method>`, from the request (its retries and 429 waits
 * included) to the parsed answer: `slack.method`, `slack.ok`, `slack.error` (Slack's code), and a
 * `rate_limited` event per 429 with the Retry-After seconds. No arguments, tokens or answers.
 */
export function traceSlackClient(client: WebClient): void {
  const tracer = trace.getTracer(TRACER_NAME);
  const observable = client as unknown as ObservableClient;
  const makeRequest = observable.makeRequest.bind(client);
  const buildResult = observable.buildResult.bind(client);
  const byBody = new WeakMap<object, Span>();
  const byResponse = new WeakMap<object, Span>();
  client.on('rate_limited' as never, (retrySec: number, request: { body?: unknown }) => {
    const span = typeof request?.body === 'object' && request.body !== null ? byBody.get(request.body) : undefined;
    span?.addEvent('rate_limited', { 'slack.retry_after_s': retrySec });
  });
  observable.makeRequest = async (url, body, headers) => {
    const method = methodOf(url);
    const span = tracer.startSpan(`slack ${method}`, { kind: SpanKind.CLIENT, attributes: { 'slack.method': method, 'rpc.system': 'slack', 'rpc.method': method } });
    if (typeof body === 'object' && body !== null) byBody.set(body, span);
    try {
      const response = await context.with(trace.setSpan(context.active(), span), () => makeRequest(url, body, headers));
      byResponse.set(response, span);
      return response;
    } catch (error) {
      span.setAttributes({ 'slack.ok': false, 'error.type': 'request_error' });
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      span.end();
      throw error;
    }
  };
  observable.buildResult = async (response) => {
    const span = byResponse.get(response);
    try {
      const result = await buildResult(response);
      if (span) {
        const ok = result.ok !== false;
        span.setAttribute('slack.ok', ok);
        if (!ok) {
          span.setAttributes({ 'slack.error': result.error ?? 'error', 'error.type': result.error ?? 'error' });
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      }
      return result;
    } finally {
      span?.end();
    }
  };
}
