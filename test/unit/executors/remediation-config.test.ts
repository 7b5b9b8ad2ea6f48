import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagsConfigSchema, rollbackConfigSchema } from '../../../src/config/remediation';
import { PermanentActionError } from '../../../src/domain/remediation/errors';
import { createFlagProvider, createRollbackExecutor } from '../../../src/outbound/executors';
import { loadKubeConfig } from '../../../src/outbound/executors/kubernetes-client';
import { FAKE_KUBECONFIG_YAML, fakeKubeConfig } from './kubernetes-fixtures';

function issues(schema: typeof rollbackConfigSchema | typeof flagsConfigSchema, block: unknown) {
  const parsed = schema.safeParse(block);
  if (parsed.success) throw new Error('expected the block to be invalid');
  return parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('rollback config', () => {
  it('fills in defaults and parses durations', () => {
    expect(rollbackConfigSchema.parse({ executor: 'http', url: 'https://deployer.internal/rollback', secret: 's' })).toEqual({
      executor: 'http',
      url: 'https://deployer.internal/rollback',
      secret: 's',
      timeout: 10_000,
      attempts: 5,
      backoff: 2_000,
    });
    expect(
      rollbackConfigSchema.parse({ executor: 'command', argv: ['./deploy.sh', '{{ previousVersion }}'], timeout: '2m', backoff: '5s', attempts: 3 }),
    ).toMatchObject({ timeout: 120_000, backoff: 5_000, attempts: 3, transientExitCodes: [] });
  });

  it('rejects an unknown template variable in argv, naming the argument', () => {
    expect(issues(rollbackConfigSchema, { executor: 'command', argv: ['./deploy.sh', '--version', '{{prevVersion}}'] })).toEqual([
      { path: 'argv.2', message: expect.stringMatching(/^unknown template variable \{\{prevVersion\}\}; known: service, environment, previousVersion/) },
    ]);
  });

  it('wants exactly one of deployment and rollout', () => {
    const message = 'set exactly one of deployment (rollout undo) or rollout (Argo Rollout abort)';
    expect(issues(rollbackConfigSchema, { executor: 'kubernetes', namespace: 'shop', deployment: 'a', rollout: 'b' })).toEqual([{ path: 'deployment', message }]);
    expect(issues(rollbackConfigSchema, { executor: 'kubernetes', namespace: 'shop' })).toEqual([{ path: 'deployment', message }]);
  });

  it('reports a missing or bad url, a bad duration and unknown keys', () => {
    expect(issues(rollbackConfigSchema, { executor: 'http', secret: 's' })).toEqual([{ path: 'url', message: 'must be an http(s) URL' }]);
    expect(issues(rollbackConfigSchema, { executor: 'http', url: 'ftp://x', secret: 's', timeout: 'soon', retries: 3 })).toEqual([
      { path: 'url', message: 'must be an http(s) URL' },
      { path: 'timeout', message: '"soon" is not a duration; use e.g. 30s, 20m, 2h' },
      { path: '', message: 'Unrecognized key: "retries"' },
    ]);
    expect(issues(rollbackConfigSchema, { executor: 'ssh' })[0]?.path).toBe('executor');
  });
});

describe('flags config', () => {
  it('defaults the LaunchDarkly url and the Unleash project', () => {
    expect(flagsConfigSchema.parse({ provider: 'launchdarkly', token: 't', project: 'shop', environment: 'production' })).toMatchObject({
      url: 'https://app.launchdarkly.com',
    });
    expect(flagsConfigSchema.parse({ provider: 'unleash', url: 'https://unleash.internal', token: 't' })).toMatchObject({ project: 'default' });
  });

  it('reports a missing url and token', () => {
    expect(issues(flagsConfigSchema, { provider: 'unleash' })).toEqual([
      { path: 'url', message: 'must be an http(s) URL' },
      { path: 'token', message: expect.any(String) },
    ]);
  });
});

describe('factories', () => {
  it('build the executor or provider the block names', () => {
    const kinds = [
      createRollbackExecutor(rollbackConfigSchema.parse({ executor: 'http', url: 'https://d.internal', secret: 's' })).kind,
      createRollbackExecutor(rollbackConfigSchema.parse({ executor: 'command', argv: ['./deploy.sh'] })).kind,
      createRollbackExecutor(rollbackConfigSchema.parse({ executor: 'kubernetes', namespace: 'shop', rollout: 'checkout' }), {
        kubeConfig: fakeKubeConfig(),
      }).kind,
      createFlagProvider(flagsConfigSchema.parse({ provider: 'http', url: 'https://f.internal', token: 't' })).kind,
      createFlagProvider(flagsConfigSchema.parse({ provider: 'unleash', url: 'https://u.internal', token: 't' })).kind,
      createFlagProvider(flagsConfigSchema.parse({ provider: 'launchdarkly', token: 't', project: 'p', environment: 'e' })).kind,
    ];
    expect(kinds).toEqual(['http', 'command', 'kubernetes', 'http', 'unleash', 'launchdarkly']);
  });

  describe('kubeconfig loading', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'firebreak-kube-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('fails permanently, at build time, for a missing kubeconfig file or context', () => {
      const missing = { executor: 'kubernetes', namespace: 'shop', deployment: 'checkout', kubeconfig: join(dir, 'nope') };
      expect(() => createRollbackExecutor(rollbackConfigSchema.parse(missing))).toThrow(PermanentActionError);

      const file = join(dir, 'config');
      writeFileSync(file, FAKE_KUBECONFIG_YAML);
      expect(loadKubeConfig({ kubeconfig: file, context: 'fake' }).server).toBe('https://127.0.0.1:6443');
      expect(() => loadKubeConfig({ kubeconfig: file, context: 'prod' })).toThrow('kubeconfig has no context "prod"');
    });
  });
});
