import { z } from 'zod';

/**
 * The OpenTelemetry variables Firebreak reads (the SDK's standard names). Tracing is off unless
 * OTEL_TRACES_EXPORTER=otlp or an OTLP endpoint is set; OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none keeps it off regardless.
 */

const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), schema.optional());

const httpUrl = z.string().refine((v) => {
  try {
    const url = new URL(v);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL (credentials go in OTEL_EXPORTER_OTLP_HEADERS)');

/** `key=value,key2=value2`, values percent-encoded (the W3C Baggage format the spec uses). */
const keyValueList = z.string().transform((text, ctx) => {
  const pairs: Record<string, string> = {};
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const at = item.indexOf('=');
    const key = at > 0 ? item.slice(0, at).trim() : '';
    if (key === '') {
      ctx.addIssue({ code: 'custom', message: `"${item.trim()}" is not key=value (a comma-separated list of key=value pairs)` });
      return z.NEVER;
    }
    try {
      pairs[key] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      ctx.addIssue({ code: 'custom', message: `the value of ${key} is not valid percent-encoding` });
      return z.NEVER;
    }
  }
  return pairs;
});

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

export const tracingEnvShape = {
  OTEL_SDK_DISABLED: optional(z.string().toLowerCase().pipe(z.enum(['true', 'false'], 'must be true or false'))),
  OTEL_TRACES_EXPORTER: optional(z.string().toLowerCase().pipe(z.enum(['otlp', 'none'], 'must be otlp (export traces over OTLP/HTTP) or none'))),
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(httpUrl),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(httpUrl),
  OTEL_EXPORTER_OTLP_PROTOCOL: optional(z.enum(['http/json'], 'only http/json (OTLP over HTTP, JSON encoding) is supported')),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optional(z.enum(['http/json'], 'only http/json (OTLP over HTTP, JSON encoding) is supported')),
  OTEL_EXPORTER_OTLP_HEADERS: optional(keyValueList),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: optional(keyValueList),
  OTEL_EXPORTER_OTLP_TIMEOUT: optional(z.coerce.number().int('must be whole milliseconds').min(1).max(600_000)),
  OTEL_SERVICE_NAME: optional(z.string()),
  OTEL_RESOURCE_ATTRIBUTES: optional(keyValueList),
  OTEL_TRACES_SAMPLER: optional(z.enum(SAMPLERS, `must be one of ${SAMPLERS.join(', ')}`)),
  OTEL_TRACES_SAMPLER_ARG: optional(z.coerce.number().min(0, 'must be a ratio from 0 to 1').max(1, 'must be a ratio from 0 to 1')),
};

type TracingEnv = z.infer<z.ZodObject<typeof tracingEnvShape>>;

export interface TracingSettings {
  /** Where spans are POSTed (OTLP/HTTP, JSON). */
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  serviceName: string;
  /** From OTEL_RESOURCE_ATTRIBUTES; service name, version and role are added. */
  resourceAttributes: Record<string, string>;
  sampler: (typeof SAMPLERS)[number];
  ratio: number;
}

/** The tracing settings the environment asks for, or undefined when tracing is off (the default). */
export function tracingSettings(env: TracingEnv): TracingSettings | undefined {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (env.OTEL_TRACES_EXPORTER !== 'otlp' && endpoint === undefined) return undefined;
  return {
    url: endpoint ?? 'http://localhost:4318/v1/traces',
    headers: { ...env.OTEL_EXPORTER_OTLP_HEADERS, ...env.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
    timeoutMs: env.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000,
    serviceName: env.OTEL_SERVICE_NAME ?? env.OTEL_RESOURCE_ATTRIBUTES?.['service.name'] ?? 'firebreak',
    resourceAttributes: env.OTEL_RESOURCE_ATTRIBUTES ?? {},
    sampler: env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
    ratio: env.OTEL_TRACES_SAMPLER_ARG ?? 1,
  };
}
