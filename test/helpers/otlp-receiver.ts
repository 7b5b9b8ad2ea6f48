import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** OTLP/JSON's AnyValue, reduced to what spans carry here. */
type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  events: { name: string; attributes: Record<string, string | number | boolean> }[];
  status: { code?: number };
  scope: string;
  resource: Record<string, string | number | boolean>;
}

export const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

function valueOf(v: AnyValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return JSON.stringify(v);
}

const attributesOf = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));

interface ExportRequest {
  resourceSpans: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans: { scope?: { name?: string }; spans: (Omit<ReceivedSpan, 'attributes' | 'events' | 'scope' | 'resource'> & { attributes?: KeyValue[]; events?: { name: string; attributes?: KeyValue[] }[] })[] }[];
  }[];
}

/**
 * A collector's OTLP/HTTP traces endpoint on 127.0.0.1: accepts the JSON encoding at /v1/traces,
 * decodes every export request and keeps the raw bodies and headers too.
 */
export async function startOtlpReceiver() {
  const requests: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      const decoded = JSON.parse(body) as ExportRequest;
      for (const rs of decoded.resourceSpans) {
        const resource = attributesOf(rs.resource?.attributes);
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              ...s,
              parentSpanId: s.parentSpanId || undefined,
              attributes: attributesOf(s.attributes),
              events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attributesOf(e.attributes) })),
              scope: ss.scope?.name ?? '',
              resource,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    spans,
    /** The span and every span above it, nearest first. */
    ancestry(span: ReceivedSpan): ReceivedSpan[] {
      const chain: ReceivedSpan[] = [span];
      for (let at = span; at.parentSpanId; ) {
        const parent = spans.find((s) => s.spanId === at.parentSpanId && s.traceId === at.traceId);
        if (!parent) break;
        chain.push(parent);
        at = parent;
      }
      return chain;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
