import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface OtlpTarget {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * OTLP/HTTP with the JSON encoding (what a collector takes on :4318/v1/traces). The SDK's own
 * exporter loads `http` through a dynamic ESM import; this one is a plain POST over node:http(s)
 * with a keep-alive agent, so it also runs under test runners without ESM support.
 */
export class OtlpJsonExporter implements SpanExporter {
  private readonly pending = new Set<Promise<void>>();
  private readonly agent: HttpAgent;

  constructor(private readonly target: OtlpTarget) {
    this.agent = new URL(target.url).protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) {
      done({ code: ExportResultCode.FAILED, error: new Error('the spans could not be serialized') });
      return;
    }
    const sent = this.post(body).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.agent.destroy();
  }

  private post(body: Uint8Array): Promise<void> {
    const url = new URL(this.target.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.target.timeoutMs,
          headers: { ...this.target.headers, 'Content-Type': 'application/json', 'Content-Length': body.byteLength },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`the OTLP endpoint answered HTTP ${status}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`the OTLP endpoint did not answer within ${this.target.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
