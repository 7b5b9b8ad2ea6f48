import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';

/** Where a fetch goes: method, scheme, host and port; never the path or query (they may hold secrets). */
function describe(input: Parameters<typeof fetch>[0], init: RequestInit | undefined) {
  const request = input instanceof Request ? input : undefined;
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  let url: URL | undefined;
  try {
    url = new URL(request ? request.url : String(input));
  } catch {
    url = undefined;
  }
  const port = url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : undefined;
  return { method, url, port };
}

/**
 * Make every outbound fetch (executors, flag providers, Prometheus, status pages, health probes,
 * Slack's Web API client) a CLIENT span, carrying W3C `traceparent` to the far side. Returns the
 * function that puts the previous fetch back.
 */
export function installTracedFetch(tracer: Tracer): () => void {
  const original = globalThis.fetch;
  const traced = async function tracedFetch(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
    const { method, url, port } = describe(input, init);
    const span = tracer.startSpan(method, {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        ...(url ? { 'server.address': url.hostname, 'server.port': port, 'url.scheme': url.protocol.replace(':', '') } : {}),
      },
    });
    const ctx = trace.setSpan(context.active(), span);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    propagation.inject(ctx, headers, { set: (carrier, key, value) => carrier.set(key, value) });
    try {
      const response = await context.with(ctx, () => original(input, { ...init, headers }));
      span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
      if (response.status >= 400) span.setAttribute('error.type', String(response.status));
      return response;
    } catch (error) {
      span.setAttribute('error.type', (error as Error)?.name ?? 'Error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  } as typeof fetch;
  globalThis.fetch = traced;
  return () => {
    if (globalThis.fetch === traced) globalThis.fetch = original;
  };
}
