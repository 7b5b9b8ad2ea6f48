import nock from 'nock';
import { flagsConfigSchema } from '../../../src/config/remediation';
import { PermanentActionError, TransientActionError } from '../../../src/domain/remediation/errors';
import { createFlagProvider } from '../../../src/outbound/executors';
import { actionContext, capture, flagRequest, useNock, type Captured } from './helpers';

const provider = (block: Record<string, unknown>) => createFlagProvider(flagsConfigSchema.parse(block));

describe('flag providers', () => {
  useNock();

  describe('http', () => {
    const flags = () => provider({ provider: 'http', url: 'https://flags.internal/api/disable', token: 'flags-token' });

    it('POSTs the flag with enabled:false and a bearer token', async () => {
      const seen: Captured[] = [];
      const scope = nock('https://flags.internal').post('/api/disable').reply(capture(seen, 200, { message: 'new-checkout is off' }));

      const result = await flags().disable(flagRequest(), actionContext({ idempotencyKey: 'fl-1' }));

      scope.done();
      expect(result.summary).toBe('new-checkout is off');
      expect(JSON.parse(seen[0]?.rawBody ?? '')).toEqual({
        flag: 'new-checkout',
        environment: 'production',
        enabled: false,
        service: 'checkout',
        incidentId: 'inc-20261122-checkout',
        reason: 'errors on /api/orders',
        actor: 'U0RESP1',
        idempotencyKey: 'fl-1',
      });
      expect(seen[0]?.headers).toMatchObject({
        authorization: 'Bearer flags-token',
        'content-type': 'application/json',
        'idempotency-key': 'fl-1',
      });
    });

    it('classifies 401 as permanent and 503 as transient', async () => {
      nock('https://flags.internal').post('/api/disable').reply(401, { message: 'bad token' });
      await expect(flags().disable(flagRequest(), actionContext())).rejects.toBeInstanceOf(PermanentActionError);
      nock('https://flags.internal').post('/api/disable').reply(503);
      await expect(flags().disable(flagRequest(), actionContext())).rejects.toBeInstanceOf(TransientActionError);
    });
  });

  describe('unleash', () => {
    it('POSTs …/environments/{env}/off with the raw token, defaulting project and environment', async () => {
      const scope = nock('https://unleash.internal', { reqheaders: { authorization: 'unleash-admin-token' } })
        .post('/api/admin/projects/default/features/new-checkout/environments/production/off', (body) => body === '' || body === undefined)
        .reply(200, '');

      const flags = provider({ provider: 'unleash', url: 'https://unleash.internal/', token: 'unleash-admin-token' });
      const result = await flags.disable(flagRequest(), actionContext());

      scope.done();
      expect(result.summary).toBe('Unleash flag new-checkout turned off in production (project default)');
    });

    it('uses the configured project and environment, encoding path segments', async () => {
      const scope = nock('https://unleash.internal')
        .post('/api/admin/projects/shop/features/checkout%2Fv2/environments/prod-eu/off')
        .reply(200, '');
      const flags = provider({ provider: 'unleash', url: 'https://unleash.internal', token: 't', project: 'shop', environment: 'prod-eu' });
      await flags.disable(flagRequest({ flagKey: 'checkout/v2' }), actionContext());
      scope.done();
    });

    it('classifies 404 as permanent and 429 as transient', async () => {
      const flags = provider({ provider: 'unleash', url: 'https://unleash.internal', token: 't' });
      const path = '/api/admin/projects/default/features/new-checkout/environments/production/off';
      nock('https://unleash.internal').post(path).reply(404, { message: 'Could not find feature' });
      await expect(flags.disable(flagRequest(), actionContext())).rejects.toMatchObject({
        code: 'executor_permanent',
        status: 404,
        message: 'Unleash answered HTTP 404: Could not find feature',
      });
      nock('https://unleash.internal').post(path).reply(429);
      await expect(flags.disable(flagRequest(), actionContext())).rejects.toMatchObject({ code: 'executor_transient', status: 429 });
    });
  });

  describe('launchdarkly', () => {
    const block = { provider: 'launchdarkly', token: 'api-ld-token', project: 'shop', environment: 'production' };

    it('PATCHes a turnFlagOff semantic patch on app.launchdarkly.com by default', async () => {
      const seen: Captured[] = [];
      const scope = nock('https://app.launchdarkly.com', {
        reqheaders: { 'content-type': 'application/json; domain-model=launchdarkly.semanticpatch', authorization: 'api-ld-token' },
      })
        .patch('/api/v2/flags/shop/new-checkout')
        .reply(capture(seen, 200, { key: 'new-checkout' }));

      const result = await provider(block).disable(flagRequest(), actionContext());

      scope.done();
      expect(result.summary).toBe('LaunchDarkly flag new-checkout turned off in production (project shop)');
      expect(JSON.parse(seen[0]?.rawBody ?? '')).toEqual({
        environmentKey: 'production',
        comment: 'Firebreak: turned off by U0RESP1 during incident inc-20261122-checkout: errors on /api/orders',
        instructions: [{ kind: 'turnFlagOff' }],
      });
    });

    it('classifies 400 as permanent and 500 as transient', async () => {
      nock('https://ld.example').patch('/api/v2/flags/shop/new-checkout').reply(400, { message: 'invalid instruction' });
      const flags = provider({ ...block, url: 'https://ld.example' });
      await expect(flags.disable(flagRequest(), actionContext())).rejects.toBeInstanceOf(PermanentActionError);
      nock('https://ld.example').patch('/api/v2/flags/shop/new-checkout').reply(500);
      await expect(flags.disable(flagRequest(), actionContext())).rejects.toBeInstanceOf(TransientActionError);
    });
  });
});
