import { context, diag, DiagLogLevel, propagation, trace, type Context, type Link, type SpanKind, type Attributes } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Telemetry } from 'bullmq';
import { version } from '../../package.json';
import type { TracingSettings } from '../config/tracing';
import { installTracedFetch } from './traced-fetch';

/** The tracer every Firebreak span comes from (BullMQ's spans come from bullmq-otel's `bullmq`). */
export const TRACER_NAME = 'firebreak';

export interface Tracing {
  /** Hand to every BullMQ Queue and Worker (`telemetry`): producer and consumer spans, linked through the job. */
  telemetry: Telemetry;
  /** Export what is buffered and stop; the last user of a shared SDK shuts it down. */
  shutdown(): Promise<void>;
}

interface Running {
  users: number;
  telemetry: Telemetry;
  stop(): Promise<void>;
}

/** One SDK per process (the OpenTelemetry API is global); several Firebreaks in a test share it. */
let running: Running | undefined;
let starting: Promise<Running> | undefined;

/** BullMQ's telemetry while tracing runs, else undefined: queues and workers then carry none at all. */
export function jobTelemetry(): Telemetry | undefined {
  return running?.telemetry;
}

/** True while the SDK runs in this process. */
export function tracingActive(): boolean {
  return running !== undefined;
}

/**
 * BullMQ traces its own housekeeping (every blocking poll for the next job, every stalled-job
 * check) as spans of their own: a steady stream of one-span traces. Only those that belong to a
 * traced job are kept.
 */
const HOUSEKEEPING = /^(getNextJob|moveStalledJobsToWait|startStalledCheckTimer|promoteJobs|trimEvents|rateLimit|pause|resume|close) /;

/**
 * Start the OpenTelemetry SDK: OTLP/HTTP (JSON) exporter, batch processor, W3C trace context,
 * AsyncLocalStorage context, and a traced global fetch. The SDK's modules are loaded here and only
 * here, so with tracing off none of them is.
 */
export async function startTracing(settings: TracingSettings, role: string, logger: Logger): Promise<Tracing> {
  starting ??= boot(settings, role, logger).then((r) => (running = r));
  const shared = await starting;
  shared.users += 1;
  let done = false;
  return {
    telemetry: shared.telemetry,
    async shutdown() {
      if (done) return;
      done = true;
      shared.users -= 1;
      if (shared.users > 0 || running !== shared) return;
      running = undefined;
      starting = undefined;
      await shared.stop();
    },
  };
}

async function boot(settings: TracingSettings, role: string, logger: Logger): Promise<Running> {
  // require, not import(): the compiled CommonJS and tsx (npm run dev) then load them alike.
  const base = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OtlpJsonExporter } = require('./otlp-exporter') as typeof import('./otlp-exporter');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { BullMQOtel } = require('bullmq-otel') as typeof import('bullmq-otel');
  const ratio = new base.TraceIdRatioBasedSampler(settings.ratio);
  const configured = {
    always_on: new base.AlwaysOnSampler(),
    always_off: new base.AlwaysOffSampler(),
    traceidratio: ratio,
    parentbased_always_on: new base.ParentBasedSampler({ root: new base.AlwaysOnSampler() }),
    parentbased_always_off: new base.ParentBasedSampler({ root: new base.AlwaysOffSampler() }),
    parentbased_traceidratio: new base.ParentBasedSampler({ root: ratio }),
  }[settings.sampler];
  const sampler = {
    shouldSample(ctx: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]) {
      if (!trace.getSpanContext(ctx) && HOUSEKEEPING.test(name)) return { decision: base.SamplingDecision.NOT_RECORD };
      return configured.shouldSample(ctx, traceId, name, kind, attributes, links);
    },
    toString: () => `Firebreak(${configured.toString()})`,
  };
  const exporter = new OtlpJsonExporter(settings);
  const provider = new base.BasicTracerProvider({
    resource: resourceFromAttributes({
      ...settings.resourceAttributes,
      'service.name': settings.serviceName,
      'service.version': version,
      'firebreak.role': role,
    }),
    sampler,
    spanProcessors: [new base.BatchSpanProcessor(exporter)],
  });
  // The SDK's own complaints (an export the collector refused or never answered) go to our log.
  const log = logger.child({ component: 'tracing' });
  const quiet = () => undefined;
  diag.setLogger({ error: (msg, ...args) => log.warn({ args: args.map(String) }, msg), warn: (msg, ...args) => log.warn({ args: args.map(String) }, msg), info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.WARN);
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const restoreFetch = installTracedFetch(trace.getTracer(TRACER_NAME, version));
  return {
    users: 0,
    telemetry: new BullMQOtel({ tracerName: 'bullmq', version }),
    async stop() {
      restoreFetch();
      try {
        // Flushes the batch processor: every finished span is exported before the process ends.
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      }
    },
  };
}
