import nock from 'nock';

export interface RecordedCall {
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type Answer = [status: number, body?: unknown];

/**
 * A fake endpoint that answers every call — however many there are — and records each one. Answers
 * follow `answers` in order; past the end the last one repeats. Unlike a `.times(1)` interceptor it
 * never refuses a second call before it is counted, so `expect(calls).toHaveLength(1)` can fail.
 */
export function recordingEndpoint(
  origin: string,
  method: 'get' | 'post',
  path: string,
  answers: Answer[] = [[200, {}]],
  options: { delayMs?: number } = {},
): { calls: RecordedCall[]; scope: nock.Scope } {
  const calls: RecordedCall[] = [];
  const scope = nock(origin)
    .persist()
    [method](path)
    .delay(options.delayMs ?? 0)
    .reply(function (_uri, body) {
      const answer = answers[Math.min(calls.length, answers.length - 1)] ?? [200, {}];
      calls.push({ at: Date.now(), headers: this.req.headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
      return answer;
    });
  return { calls, scope };
}

/**
 * Outbound requests that matched no interceptor (with real network off they fail, so the code under
 * test may swallow the error): a test asserts there were none. Loopback (the app itself) is ignored.
 */
export function unmatchedRequests(): { list: string[]; stop(): void } {
  const list: string[] = [];
  const listener = (req: { method?: string; hostname?: string; host?: string; path?: string }) => {
    const host = req.hostname ?? req.host ?? '';
    if (/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) return;
    list.push(`${req.method ?? '?'} ${host}${req.path ?? ''}`);
  };
  nock.emitter.on('no match', listener);
  return { list, stop: () => nock.emitter.removeListener('no match', listener) };
}
