import { offersIn } from '../../../src/blocks/remediation';
import { guardIncidentReport, guardProblemMessage, guardProposalMessage, guardRollbackReport } from '../../../src/blocks/guard';
import type { Deploy } from '../../../src/domain/deploys/model';
import type { Breach, GuardWindow } from '../../../src/domain/guard/model';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const window: GuardWindow = {
  deployId: 'd-1',
  service: 'checkout',
  environment: 'production',
  version: 'v1.2.3',
  previousVersion: 'v1.2.2',
  mode: 'propose',
  deployedAt: T0,
  startedAt: T0,
  endsAt: T0 + 30 * 60_000,
  state: 'watching',
  tick: 12,
  breaches: [],
  problems: [],
};
const deploy: Deploy = {
  id: 'd-1',
  service: 'checkout',
  environment: 'production',
  version: 'v1.2.3',
  previousVersion: 'v1.2.2',
  strategy: 'canary',
  status: 'succeeded',
  timestamp: new Date(T0).toISOString(),
  actor: 'alice',
  changes: { config: false, dependencies: false, migrations: [], flags: [{ key: 'new-checkout', enabled: true }] },
  source: 'generic',
};
const breach: Breach = { signal: 'errorRate', value: 0.07, limit: 0.05, since: T0 + 60_000, at: T0 + 180_000, forMs: 120_000 };
const targets = { 'blue-green': 120_000, canary: 180_000, rolling: 300_000, direct: 180_000 };

describe('guard blocks', () => {
  it('the proposal: evidence, the deploy, and only Rollback (context guard), confirmed with the runbook target', () => {
    const message = guardProposalMessage({ window, deploy, breaches: [breach] }, { kind: 'button' }, targets);
    expect(message.text).toBe(
      ':warning: *Deploy guard: checkout v1.2.3 is unhealthy* — roll back to *v1.2.2*?\n' +
        '*Deploy:* checkout *v1.2.3* (from v1.2.2, canary, production) went live 2026-11-22 10:00 UTC by alice\n' +
        '• error rate 7 % above 5 % since 10:01:00 UTC (sustained 2 min, rule: 2 min)',
    );
    const actions = message.blocks.find((b) => b.type === 'actions') as { elements: { text: { text: string }; value: string; confirm: { text: { text: string } } }[] };
    expect(actions.elements).toHaveLength(1);
    expect(actions.elements[0]!.text.text).toBe('Rollback to v1.2.2');
    expect(offersIn(message.blocks).map((o) => o.payload)).toEqual([{ service: 'checkout', deployId: 'd-1', context: { kind: 'guard', id: 'd-1' } }]);
    expect(JSON.parse(actions.elements[0]!.value)).toEqual({ offer: offersIn(message.blocks)[0]!.id });
    expect(actions.elements[0]!.confirm.text.text).toContain('Runbook target: under 3 min');
  });

  it('no button, and why, when the rollback cannot be offered', () => {
    const message = guardProposalMessage({ window, deploy, breaches: [breach] }, { kind: 'unavailable', reason: 'the deploy names no previous version' }, targets);
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(message.blocks)).toContain('No Rollback button: the deploy names no previous version. Roll back by hand.');
  });

  it('the automatic rollback report and the incident report', () => {
    const view = { window: { ...window, mode: 'auto' as const }, deploy, breaches: [breach], incidentId: 'INC-7', severity: 'P1' };
    expect(guardRollbackReport({ ...view, outcome: { kind: 'queued' } }).text).toContain('*Deploy guard is rolling back checkout v1.2.3 → v1.2.2* (automatic)');
    expect(guardRollbackReport({ ...view, outcome: { kind: 'already', by: 'U0RESP1' } }).text).toContain('already asked for by <@U0RESP1>');
    expect(guardRollbackReport({ ...view, outcome: { kind: 'not-started', reason: 'no executor' } }).text).toContain('*The automatic rollback was not started:* no executor. Roll back by hand.');
    const report = guardIncidentReport({ ...view, outcome: { kind: 'queued' }, rollbackThread: { channel: 'C0CHECKOUT', ts: '1.2' } });
    expect(report.text).toContain('Rollback status: in the thread of the guard\'s report in <#C0CHECKOUT>.');
  });

  it('several gaps in one message', () => {
    const message = guardProblemMessage(
      window,
      [
        { key: 'no-data-errorRate', kind: 'no-data', signal: 'errorRate', since: T0, detail: 'nothing new for over 1 min' },
        { key: 'no-data-healthFailures', kind: 'no-data', signal: 'healthFailures', since: T0, detail: 'nothing new for over 1 min' },
      ],
      'pushed samples',
    );
    expect(message.text).toContain('• no data for error rate from pushed samples since 10:00:00 UTC (nothing new for over 1 min)\n• no data for health-check failures');
    expect(message.text).toContain('Not treated as healthy');
  });
});
