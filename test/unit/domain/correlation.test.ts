import type { Alert } from '../../../src/domain/alerts/model';
import type { Deploy } from '../../../src/domain/deploys/model';
import {
  correlate,
  DEFAULT_CORRELATION_POLICY,
  DEFAULT_NOT_A_REGRESSION,
  summariseChanges,
  type CorrelationInput,
} from '../../../src/domain/correlation';

const ALERT_AT = Date.parse('2026-11-22T12:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const policy = { strongMs: 30 * MINUTE, possibleMs: 2 * HOUR };

/** A time `ms` before the alert started (negative: after). */
const before = (ms: number) => new Date(ALERT_AT - ms).toISOString();

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    fingerprint: 'fp-1',
    source: 'generic',
    service: 'checkout',
    environment: 'production',
    name: 'HighErrorRate',
    severity: 'critical',
    status: 'firing',
    startsAt: new Date(ALERT_AT).toISOString(),
    labels: {},
    ...overrides,
  };
}

let sequence = 0;
function deploy(overrides: Partial<Deploy> & { ago?: number } = {}): Deploy {
  const { ago = 10 * MINUTE, ...rest } = overrides;
  sequence += 1;
  return {
    id: `d${sequence}`,
    service: 'checkout',
    environment: 'production',
    version: `v1.${sequence}`,
    previousVersion: `v1.${sequence - 1}`,
    strategy: 'blue-green',
    status: 'succeeded',
    timestamp: before(ago),
    changes: { config: false, dependencies: false, migrations: [], flags: [] },
    source: 'generic',
    ...rest,
  };
}

const run = (input: Partial<CorrelationInput> & { deploys: Deploy[] }) =>
  correlate({ alert: alert(), dependencies: ['payments'], policy, ...input });

describe('correlate: how old the deploy is when the alert starts', () => {
  it.each([
    ['at the same instant', 'strong', 0],
    ['29:59 before', 'strong', 30 * MINUTE - SECOND],
    ['30:00 before', 'possible', 30 * MINUTE],
    ['1:00:00 before', 'possible', HOUR],
    ['2:00:00 before', 'possible', 2 * HOUR],
    ['2:00:01 before', 'none', 2 * HOUR + SECOND],
    ['one second after the alert', 'none', -SECOND],
    ['an hour after the alert', 'none', -HOUR],
  ])('a deploy %s is %s', (_label, kind, ago) => {
    const verdict = run({ deploys: [deploy({ ago })] });
    expect(verdict.kind).toBe(kind);
    expect(verdict.suspects).toHaveLength(kind === 'none' ? 0 : 1);
    expect(verdict.top?.ageMs).toBe(kind === 'none' ? undefined : ago);
  });

  it('follows the policy it is given', () => {
    const verdict = run({ deploys: [deploy({ ago: 10 * MINUTE })], policy: { strongMs: 5 * MINUTE, possibleMs: 15 * MINUTE } });
    expect(verdict.kind).toBe('possible');
  });
});

describe('correlate: which deploys count', () => {
  it.each([
    ['another environment', 'none', { environment: 'staging' }],
    ['the same environment spelled in capitals', 'strong', { environment: 'Production' }],
    ['a service that is not a dependency', 'none', { service: 'search' }],
    ['a dependency', 'strong', { service: 'payments' }],
    ['a failed deploy', 'none', { status: 'failed' as const }],
    ['a rolled-back deploy', 'none', { status: 'rolled_back' as const }],
    ['a deploy still in progress (weaker: possible at most)', 'possible', { status: 'started' as const }],
  ])('%s → %s', (_label, kind, overrides) => {
    expect(run({ deploys: [deploy({ ago: 5 * MINUTE, ...overrides })] }).kind).toBe(kind);
  });

  it('counts deploys to any environment when the alert names none', () => {
    const verdict = run({ alert: alert({ environment: undefined }), deploys: [deploy({ environment: 'staging' })] });
    expect(verdict.kind).toBe('strong');
  });

  it('marks a dependency deploy with the dependency it came through', () => {
    const verdict = run({ deploys: [deploy({ service: 'payments' })] });
    expect(verdict.top?.viaDependency).toBe('payments');
    expect(run({ deploys: [deploy()] }).top?.viaDependency).toBeUndefined();
  });

  it('takes each version once, by its last status before the alert', () => {
    const started = deploy({ version: 'v2', status: 'started', ago: 40 * MINUTE });
    const succeeded = deploy({ version: 'v2', status: 'succeeded', ago: 25 * MINUTE });
    const verdict = run({ deploys: [started, succeeded] });
    expect(verdict.suspects.map((s) => [s.deploy.id, s.strength])).toEqual([[succeeded.id, 'strong']]);
  });

  it('takes a version that was still rolling out when the alert started as started', () => {
    const started = deploy({ version: 'v2', status: 'started', ago: 3 * MINUTE });
    const succeeded = deploy({ version: 'v2', status: 'succeeded', ago: -2 * MINUTE });
    expect(run({ deploys: [started, succeeded] }).suspects.map((s) => s.deploy.id)).toEqual([started.id]);
  });

  it('drops a version rolled back before the alert, but not one rolled back after it', () => {
    const succeeded = deploy({ version: 'v2', ago: 20 * MINUTE });
    const rolledBackBefore = deploy({ version: 'v2', status: 'rolled_back', ago: 5 * MINUTE });
    const rolledBackAfter = deploy({ version: 'v2', status: 'rolled_back', ago: -5 * MINUTE });
    expect(run({ deploys: [succeeded, rolledBackBefore] }).kind).toBe('none');
    expect(run({ deploys: [succeeded, rolledBackAfter] }).top?.deploy.id).toBe(succeeded.id);
  });
});

describe('correlate: ranking several suspects', () => {
  it('puts strong before possible, the service before its dependencies, finished before started, newest first', () => {
    const ownStrongOld = deploy({ ago: 25 * MINUTE });
    const ownStrongNew = deploy({ ago: 5 * MINUTE });
    const depStrongNewest = deploy({ service: 'payments', ago: 1 * MINUTE });
    const ownPossible = deploy({ ago: 90 * MINUTE });
    const ownStarted = deploy({ status: 'started', ago: 2 * MINUTE });
    const depPossible = deploy({ service: 'payments', ago: 45 * MINUTE });
    const tooOld = deploy({ ago: 3 * HOUR });
    const verdict = run({ deploys: [tooOld, depPossible, ownStarted, ownPossible, depStrongNewest, ownStrongOld, ownStrongNew] });
    expect(verdict.suspects.map((s) => [s.deploy.id, s.strength])).toEqual([
      [ownStrongNew.id, 'strong'],
      [ownStrongOld.id, 'strong'],
      [depStrongNewest.id, 'strong'],
      [ownPossible.id, 'possible'],
      [ownStarted.id, 'possible'],
      [depPossible.id, 'possible'],
    ]);
    expect(verdict.kind).toBe('strong');
    expect(verdict.top).toBe(verdict.suspects[0]);
    expect(verdict.advice).toEqual([]);
  });
});

describe('correlate: nothing correlates', () => {
  it('says "not a regression" with the debug guide checklist', () => {
    const verdict = run({ deploys: [], alert: alert({ labels: { endpoint: '*' } }) });
    expect(verdict).toEqual({ kind: 'none', suspects: [], diagnosis: [], advice: DEFAULT_NOT_A_REGRESSION });
    expect(verdict.advice.join(' ')).toMatch(/upstream dependency/);
    expect(verdict.advice.join(' ')).toMatch(/infrastructure event/);
    expect(verdict.advice.join(' ')).toMatch(/cron/);
    expect(verdict.advice.join(' ')).toMatch(/certificate/);
  });

  it('uses the checklist the caller passes', () => {
    expect(run({ deploys: [], notARegression: ['Ask the DBA'] }).advice).toEqual(['Ask the DBA']);
  });
});

describe('correlate: quick diagnosis', () => {
  const migration = { config: false, dependencies: false, migrations: ['0042_add_col'], flags: [] };
  it.each([
    ['endpoint=*', { endpoint: '*' }, {}, ['all-endpoints']],
    ['route=all', { route: 'ALL' }, {}, ['all-endpoints']],
    ['scope=all', { scope: 'all' }, {}, ['all-endpoints']],
    ['a specific endpoint', { endpoint: '/api/orders' }, {}, ['specific-endpoint']],
    ['a specific path', { path: '/api/cart' }, {}, ['specific-endpoint']],
    ['pattern=partial-recovery', { pattern: 'partial-recovery' }, {}, ['partial-recovery']],
    ['recovery=partial on a rolling deploy', { recovery: 'partial' }, { strategy: 'rolling' as const }, ['partial-recovery']],
    ['recovery=partial on a blue-green deploy', { recovery: 'partial' }, {}, []],
    ['trigger=load', { trigger: 'load' }, {}, ['under-load']],
    ['under_load=true', { under_load: 'true' }, {}, ['under-load']],
    ['a migration 2 min before', {}, { changes: migration, ago: 2 * MINUTE }, ['after-migration']],
    ['a migration 1:59 before', {}, { changes: migration, ago: 2 * MINUTE - SECOND }, []],
    ['no labels', {}, {}, []],
    ['several signs', { route: '/api/orders', trigger: 'load' }, { changes: migration }, ['specific-endpoint', 'under-load', 'after-migration']],
  ])('%s', (_label, labels, deployOverrides, patterns) => {
    const verdict = run({ alert: alert({ labels }), deploys: [deploy({ ago: 10 * MINUTE, ...deployOverrides })] });
    expect(verdict.diagnosis.map((d) => d.pattern)).toEqual(patterns);
  });

  it('reads its texts from the caller and skips patterns the caller left out', () => {
    const quickDiagnosis = [{ pattern: 'under-load', reading: 'Only under load', likelyCause: 'A race' }];
    const labels = { endpoint: '*', trigger: 'load' };
    const verdict = run({ alert: alert({ labels }), deploys: [deploy()], quickDiagnosis });
    expect(verdict.diagnosis).toEqual(quickDiagnosis);
  });

  it('defaults to the debug guide texts', () => {
    const verdict = run({ alert: alert({ labels: { endpoint: '*' } }), deploys: [deploy()] });
    expect(verdict.diagnosis).toEqual([
      expect.objectContaining({ pattern: 'all-endpoints', likelyCause: expect.stringMatching(/bad config, missing env var/) }),
    ]);
  });
});

describe('summariseChanges', () => {
  it('lists what changed, and the flags a rollback button can disable', () => {
    const summary = summariseChanges({
      config: true,
      dependencies: true,
      migrations: ['0042_add_col', '0043_index'],
      flags: [
        { key: 'new-checkout', enabled: true },
        { key: 'old-cart', enabled: false },
      ],
    });
    expect(summary).toEqual({
      config: true,
      dependencies: true,
      migrations: ['0042_add_col', '0043_index'],
      flagsEnabled: ['new-checkout'],
      flagsDisabled: ['old-cart'],
      text: 'config, dependencies, 2 migrations (0042_add_col, 0043_index), flag new-checkout on, flag old-cart off',
    });
  });

  it('says when nothing but code is recorded', () => {
    expect(summariseChanges({ config: false, dependencies: false, migrations: [], flags: [] }).text).toBe(
      'no config, dependency, migration or flag changes recorded',
    );
  });

  it('is attached to each suspect', () => {
    const d = deploy({ changes: { config: true, dependencies: false, migrations: [], flags: [] } });
    expect(run({ deploys: [d] }).top?.changes.text).toBe('config');
  });
});

it('exposes the runbook policy as defaults', () => {
  expect(DEFAULT_CORRELATION_POLICY).toEqual({ strongMs: 30 * MINUTE, possibleMs: 2 * HOUR, migrationDelayMs: 2 * MINUTE });
});
