import nock from 'nock';
import type { ActionContext, FlagRequest, RollbackRequest } from '../../../src/domain/remediation/ports';

export function rollbackRequest(overrides: Partial<RollbackRequest> = {}): RollbackRequest {
  return {
    service: 'checkout',
    environment: 'production',
    fromVersion: 'v1.2.3',
    toVersion: 'v1.2.2',
    strategy: 'blue-green',
    deployId: 'dep-1',
    incidentId: 'inc-20261122-checkout',
    reason: 'error rate 7% after deploy',
    actor: 'U0RESP1',
    ...overrides,
  };
}

export function flagRequest(overrides: Partial<FlagRequest> = {}): FlagRequest {
  return {
    service: 'checkout',
    environment: 'production',
    flagKey: 'new-checkout',
    incidentId: 'inc-20261122-checkout',
    reason: 'errors on /api/orders',
    actor: 'U0RESP1',
    ...overrides,
  };
}

export function actionContext(overrides: Partial<ActionContext> = {}): ActionContext {
  return { idempotencyKey: 'rb-7f3a', attempt: 1, ...overrides };
}

/** No real network except loopback (the test Redis, refused-connection cases); every scope asserted. */
export function useNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    const unused = nock.pendingMocks();
    nock.cleanAll();
    nock.abortPendingRequests();
    expect(unused).toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
}

/** What a nock interceptor saw; filled in by `capture()`. */
export interface Captured {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

/** A nock reply function that records the raw body and headers, then answers `status` with `body`. */
export function capture(seen: Captured[], status: number, body: unknown = {}) {
  return function (this: { req: { headers: Record<string, string | string[] | undefined> } }, _uri: string, rawBody: unknown) {
    seen.push({ headers: this.req.headers, rawBody: typeof rawBody === 'string' ? rawBody : JSON.stringify(rawBody) });
    return [status, body] as [number, unknown];
  };
}
