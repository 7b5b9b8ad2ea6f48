import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import nock from 'nock';
import { httpRollbackSchema } from '../../../src/config/remediation';
import { PermanentActionError, TransientActionError } from '../../../src/domain/remediation/errors';
import { HttpRollbackExecutor } from '../../../src/outbound/executors/http-rollback';
import { actionContext, capture, rollbackRequest, useNock, type Captured } from './helpers';

const SECRET = 'deployer-secret';
const NOW = new Date('2026-11-22T10:15:00Z');

/** A loopback port nobody listens on (port 9 would not do: fetch refuses "bad ports" outright). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function executor(overrides: Record<string, unknown> = {}): HttpRollbackExecutor {
  const config = httpRollbackSchema.parse({
    executor: 'http',
    url: 'https://deployer.internal/rollback',
    secret: SECRET,
    headers: { 'X-Team': 'payments', 'x-firebreak-signature': 'forged' },
    ...overrides,
  });
  return new HttpRollbackExecutor(config, { now: () => NOW });
}

describe('HttpRollbackExecutor', () => {
  useNock();

  it('POSTs the signed JSON body with idempotency and timestamp headers', async () => {
    const seen: Captured[] = [];
    const scope = nock('https://deployer.internal')
      .post('/rollback')
      .reply(capture(seen, 200, { message: 'rolled back checkout to v1.2.2 (blue-green switch)' }));

    const result = await executor().rollback(rollbackRequest(), actionContext());

    scope.done();
    expect(result.summary).toBe('rolled back checkout to v1.2.2 (blue-green switch)');
    const [call] = seen;
    const expectedBody = {
      action: 'rollback',
      service: 'checkout',
      environment: 'production',
      fromVersion: 'v1.2.3',
      toVersion: 'v1.2.2',
      strategy: 'blue-green',
      deployId: 'dep-1',
      incidentId: 'inc-20261122-checkout',
      reason: 'error rate 7% after deploy',
      actor: 'U0RESP1',
      idempotencyKey: 'rb-7f3a',
    };
    expect(call?.rawBody).toBe(JSON.stringify(expectedBody));
    const signature = createHmac('sha256', SECRET).update(call?.rawBody ?? '').digest('hex');
    expect(call?.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': 'rb-7f3a',
      'x-firebreak-signature': `sha256=${signature}`,
      'x-firebreak-timestamp': String(NOW.getTime() / 1000),
      'x-team': 'payments',
    });
  });

  it('summarises a 2xx without a message from the request', async () => {
    const scope = nock('https://deployer.internal').post('/rollback').reply(202, '');
    const result = await executor().rollback(rollbackRequest(), actionContext());
    scope.done();
    expect(result.summary).toBe('deployer accepted the rollback of checkout to v1.2.2');
  });

  it.each([400, 401, 403, 404, 422])('treats HTTP %i as permanent, with status and body', async (status) => {
    const scope = nock('https://deployer.internal').post('/rollback').reply(status, { message: 'unknown version v1.2.2' });
    const error = await executor().rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    scope.done();
    expect(error).toBeInstanceOf(PermanentActionError);
    expect(error).toMatchObject({ code: 'executor_permanent', status, retryable: false });
    expect((error as PermanentActionError).body).toContain('unknown version v1.2.2');
    expect((error as Error).message).toBe(`deployer answered HTTP ${status}: unknown version v1.2.2`);
  });

  it.each([500, 502, 503, 408, 429])('treats HTTP %i as transient', async (status) => {
    const scope = nock('https://deployer.internal').post('/rollback').reply(status, 'busy', { 'Retry-After': '7' });
    const error = await executor().rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    scope.done();
    expect(error).toBeInstanceOf(TransientActionError);
    expect(error).toMatchObject({ code: 'executor_transient', status, body: 'busy', retryAfterMs: 7000, retryable: true });
  });

  it('treats a redirect as permanent instead of re-sending the body elsewhere', async () => {
    const scope = nock('https://deployer.internal').post('/rollback').reply(302, '', { Location: 'https://elsewhere/' });
    const error = await executor().rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    scope.done();
    expect(error).toBeInstanceOf(PermanentActionError);
    expect(error).toMatchObject({ status: 302 });
  });

  it('times out with a transient error', async () => {
    const scope = nock('https://deployer.internal').post('/rollback').delay(2_000).reply(200, {});
    const error = await executor({ timeout: '150ms' }).rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    scope.done();
    expect(error).toBeInstanceOf(TransientActionError);
    expect((error as Error).message).toBe('deployer did not answer within 150 ms');
  });

  it('reports a network error as transient', async () => {
    const scope = nock('https://deployer.internal').post('/rollback').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const error = await executor().rollback(rollbackRequest(), actionContext()).catch((err: unknown) => err);
    scope.done();
    expect(error).toBeInstanceOf(TransientActionError);
    expect((error as Error).message).toMatch(/^deployer is unreachable/);
  });

  it('reports a refused connection (real socket) as transient', async () => {
    const port = await closedPort();
    const error = await executor({ url: `http://127.0.0.1:${port}/rollback` })
      .rollback(rollbackRequest(), actionContext())
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TransientActionError);
    expect((error as Error).message).toBe('deployer is unreachable (ECONNREFUSED)');
  });

  it('stops when the caller cancels', async () => {
    nock('https://deployer.internal').post('/rollback').delay(2_000).reply(200, {});
    const controller = new AbortController();
    const pending = executor().rollback(rollbackRequest(), actionContext({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TransientActionError);
    expect((error as Error).message).toBe('deployer call was cancelled');
  });
});
