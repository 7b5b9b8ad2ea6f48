import nock from 'nock';
import { Webhook } from 'standardwebhooks';
import { flagsConfigSchema, httpRollbackSchema } from '../../../src/config/remediation';
import { createFlagProvider, createRollbackExecutor } from '../../../src/outbound/executors';
import { signBody } from '../../../src/outbound/executors/http-rollback';
import { actionContext, capture, flagRequest, rollbackRequest, useNock, type Captured } from './helpers';

/** What a receiver hands a stock verifier: the raw body and the request's headers. */
function received(seen: Captured[]): { body: string; headers: Record<string, string> } {
  const [call] = seen;
  if (!call) throw new Error('no call captured');
  const headers = Object.fromEntries(Object.entries(call.headers).map(([name, value]) => [name, String(value)]));
  return { body: call.rawBody, headers };
}

async function rollbackCall(secret: string, now: () => Date): Promise<{ body: string; headers: Record<string, string> }> {
  const seen: Captured[] = [];
  const scope = nock('https://deployer.internal').post('/rollback').reply(capture(seen, 200, {}));
  const config = httpRollbackSchema.parse({ executor: 'http', url: 'https://deployer.internal/rollback', secret });
  await createRollbackExecutor(config, { now }).rollback(rollbackRequest(), actionContext({ idempotencyKey: 'rb-7f3a' }));
  scope.done();
  return received(seen);
}

describe('Standard Webhooks signatures on outbound calls', () => {
  useNock();

  it('signs the http rollback so a stock verifier accepts it (raw secret), and keeps X-Firebreak-Signature', async () => {
    const now = new Date();
    const { body, headers } = await rollbackCall('deployer-secret', () => now);
    expect(headers).toMatchObject({
      'webhook-id': 'rb-7f3a',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
      'x-firebreak-signature': signBody('deployer-secret', body),
    });
    const verifier = new Webhook(Buffer.from('deployer-secret', 'utf8').toString('base64'));
    expect(verifier.verify(body, headers)).toMatchObject({ action: 'rollback', idempotencyKey: 'rb-7f3a' });
    expect(() => verifier.verify(body.replace('v1.2.2', 'v0.0.1'), headers)).toThrow('No matching signature found');
    expect(() => new Webhook(Buffer.from('other', 'utf8').toString('base64')).verify(body, headers)).toThrow('No matching signature found');
  });

  it('decodes a whsec_ secret as the stock libraries do', async () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    const { body, headers } = await rollbackCall(`whsec_${key}`, () => new Date());
    expect(new Webhook(`whsec_${key}`).verify(body, headers)).toMatchObject({ service: 'checkout' });
  });

  it('lets the receiver refuse a replayed call: the signed timestamp is too old', async () => {
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    const { body, headers } = await rollbackCall('deployer-secret', () => tenMinutesAgo);
    const verifier = new Webhook('deployer-secret', { format: 'raw' });
    expect(() => verifier.verify(body, headers)).toThrow('Message timestamp too old');
    // and moving the timestamp forward breaks the signature
    const forged = { ...headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
    expect(() => verifier.verify(body, forged)).toThrow('No matching signature found');
  });

  it('signs the http flag provider when it has a secret, next to its bearer token', async () => {
    const seen: Captured[] = [];
    const scope = nock('https://flags.internal').post('/api').reply(capture(seen, 200, {}));
    const config = flagsConfigSchema.parse({ provider: 'http', url: 'https://flags.internal/api', token: 't0k', secret: 'flag-secret' });
    await createFlagProvider(config).disable(flagRequest(), actionContext({ idempotencyKey: 'fl-1' }));
    scope.done();
    const { body, headers } = received(seen);
    expect(headers).toMatchObject({ authorization: 'Bearer t0k', 'webhook-id': 'fl-1' });
    expect(new Webhook('flag-secret', { format: 'raw' }).verify(body, headers)).toMatchObject({ flag: 'new-checkout', enabled: false });
  });

  it('sends no signature headers from a flag provider without a secret', async () => {
    const seen: Captured[] = [];
    const scope = nock('https://flags.internal').post('/api').reply(capture(seen, 200, {}));
    await createFlagProvider(flagsConfigSchema.parse({ provider: 'http', url: 'https://flags.internal/api', token: 't0k' })).disable(
      flagRequest(),
      actionContext(),
    );
    scope.done();
    expect(Object.keys(received(seen).headers)).not.toContain('webhook-signature');
  });
});
