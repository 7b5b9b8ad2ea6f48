import nock from 'nock';

/** What a query Firebreak sends to Prometheus reads, told apart by its shape (src/config/guard.ts, recovery-readings.ts). */
export type PrometheusSignal = 'errorRate' | 'latencyP95' | 'healthFailures' | 'throughput' | 'baseline' | 'errorBaseline';

export interface PrometheusCall {
  signal: PrometheusSignal;
  query: string;
  time: number;
}

export function signalOf(query: string): PrometheusSignal {
  if (query.startsWith('avg_over_time')) return query.includes('http_requests_total') ? 'errorBaseline' : 'baseline';
  if (query.includes('histogram_quantile')) return 'latencyP95';
  if (query.includes('code=~')) return 'errorRate';
  if (query.includes('http_requests_total')) return 'throughput';
  return 'healthFailures';
}

/**
 * Prometheus's /api/v1/query at `url`, stood in by nock: each query answered with a real-shaped
 * vector result from `values` (which a test changes over time; undefined = an empty result), or
 * 503 while `down`. Records every query and its `time`.
 */
export class FakePrometheus {
  down = false;
  readonly calls: PrometheusCall[] = [];

  constructor(
    url: string,
    public values: Partial<Record<PrometheusSignal, number | undefined>>,
  ) {
    nock(url)
      .persist()
      .get('/api/v1/query')
      .query(true)
      .reply((uri) => {
        const params = new URL(uri, url).searchParams;
        const query = params.get('query') ?? '';
        const time = Number(params.get('time'));
        const signal = signalOf(query);
        this.calls.push({ signal, query, time });
        if (this.down) return [503, { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }];
        const value = this.values[signal];
        const result = value === undefined ? [] : [{ metric: { service: 'checkout' }, value: [time, String(value)] }];
        return [200, { status: 'success', data: { resultType: 'vector', result } }];
      });
  }

  /** Evaluations so far (one error-rate query each). */
  evaluations(): number {
    return this.calls.filter((c) => c.signal === 'errorRate').length;
  }
}
