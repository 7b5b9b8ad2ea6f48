import { parseEnv } from '../../../src/config/env';
import { tracingSettings } from '../../../src/config/tracing';
import { ConfigError } from '../../../src/lib/errors';

const settings = (env: Record<string, string>) => tracingSettings(parseEnv(env));

/** The message parseEnv throws, or undefined when it accepts the environment. */
function refusal(env: Record<string, string>): string | undefined {
  try {
    parseEnv(env);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('tracing settings from the OpenTelemetry variables', () => {
  it('is off by default, and whenever the SDK is disabled or the exporter is none', () => {
    expect(settings({})).toBeUndefined();
    expect(settings({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' })).toBeUndefined();
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBeUndefined();
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_TRACES_EXPORTER: '' })).toBeUndefined();
  });

  it('turns on with an endpoint (the base gets /v1/traces, the traces endpoint is used as is) or OTEL_TRACES_EXPORTER=otlp', () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      url: 'http://collector:4318/v1/traces',
      headers: {},
      timeoutMs: 10_000,
      serviceName: 'firebreak',
      resourceAttributes: {},
      sampler: 'parentbased_always_on',
      ratio: 1,
    });
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b.example/otlp/traces' })?.url).toBe('https://b.example/otlp/traces');
    expect(settings({ OTEL_TRACES_EXPORTER: 'otlp' })?.url).toBe('http://localhost:4318/v1/traces');
    expect(settings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'false' })).toBeDefined();
  });

  it('reads headers (traces-specific win), timeout, service name, resource attributes and sampler', () => {
    const s = settings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.vendor.example',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc,x-team=sre%20team',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=traces-key',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.namespace=sre',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(s).toMatchObject({
      headers: { 'x-api-key': 'traces-key', 'x-team': 'sre team' },
      timeoutMs: 2500,
      serviceName: 'firebreak',
      resourceAttributes: { 'deployment.environment': 'prod', 'service.namespace': 'sre' },
      sampler: 'parentbased_traceidratio',
      ratio: 0.25,
    });
    expect(settings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes' })?.serviceName).toBe('from-attributes');
    expect(settings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_RESOURCE_ATTRIBUTES: 'service.name=a', OTEL_SERVICE_NAME: 'b' })?.serviceName).toBe('b');
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', 'http:// or https:// URL'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'grpc://collector:4317', 'http:// or https:// URL'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'https://user:pw@collector', 'credentials go in OTEL_EXPORTER_OTLP_HEADERS'],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', 'only http/json'],
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/protobuf', 'only http/json'],
    ['OTEL_TRACES_EXPORTER', 'jaeger', 'must be otlp'],
    ['OTEL_SDK_DISABLED', 'yes', 'must be true or false'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'authorization', 'is not key=value'],
    ['OTEL_RESOURCE_ATTRIBUTES', 'team=%E0%A4%A', 'percent-encoding'],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', '1.5', 'whole milliseconds'],
    ['OTEL_TRACES_SAMPLER', 'sometimes', 'must be one of always_on'],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5', 'ratio from 0 to 1'],
    ['OTEL_TRACES_SAMPLER_ARG', 'half', 'expected number'],
  ])('refuses %s=%s at startup, naming the key', (key, value, reason) => {
    const message = refusal({ [key]: value });
    expect(message).toContain(`${key}:`);
    expect(message).toContain(reason);
  });

  it('accepts what it documents', () => {
    expect(refusal({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_EXPORTER: 'OTLP', OTEL_SDK_DISABLED: 'false', OTEL_TRACES_SAMPLER_ARG: '0' })).toBeUndefined();
  });
});
