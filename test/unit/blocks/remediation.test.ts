import { disableFlagButton, DISABLE_FLAG_ACTION, offersIn, remediationButtons } from '../../../src/blocks/remediation';
import { REMEDIATION_ACTIONS, remediationButtonValueSchema } from '../../../src/blocks/remediation-ids';
import { alreadyStartedText, failureMessage, remediationStatusMessage } from '../../../src/blocks/remediation-status';
import type { Deploy } from '../../../src/domain/deploys/model';
import type { ActionRecord } from '../../../src/domain/remediation/model';
import { aStoredDeploy } from '../../helpers/factories';

const deploy = (overrides: Partial<Deploy> = {}): Deploy =>
  aStoredDeploy({
    changes: { config: false, dependencies: false, migrations: [], flags: [{ key: 'new-checkout', enabled: true }, { key: 'old-cart', enabled: false }, { key: 'fast-pay', enabled: true }] },
    ...overrides,
  });

function record(overrides: Partial<ActionRecord['progress']> = {}): ActionRecord {
  return {
    spec: {
      id: 'rollback-incident-INC-7-dep-42',
      run: 1,
      kind: 'rollback',
      service: 'checkout',
      environment: 'production',
      deployId: 'dep-42',
      fromVersion: 'v1.2.3',
      toVersion: 'v1.2.2',
      strategy: 'blue-green',
      context: { kind: 'incident', id: 'INC-7' },
      incidentId: 'INC-7',
      actor: 'U0RESP1',
      requestedAt: '2026-11-22T10:05:00.000Z',
      reason: 'INC-7: Checkout 500s',
      thread: { channel: 'C0INC', threadTs: '1.2' },
      retry: { attempts: 3, backoffMs: 2000 },
    },
    progress: { state: 'running', attempt: 1, ...overrides },
  };
}

describe('remediationButtons', () => {
  const context = { kind: 'incident' as const, id: 'INC-7' };

  it('offers Rollback to the previous version and Disable flag for each flag the deploy switched on, each confirmed', () => {
    const block = remediationButtons(deploy(), context, { rollbackTargetText: '2 min' })!;
    expect(block.type).toBe('actions');
    expect(block.elements.map((e) => ('action_id' in e ? e.action_id : undefined))).toEqual([
      REMEDIATION_ACTIONS.rollback,
      REMEDIATION_ACTIONS.disableFlag,
      `${REMEDIATION_ACTIONS.disableFlag}-1`,
    ]);
    expect(block.elements[0]).toMatchObject({
      text: { text: 'Rollback to v1.2.2' },
      style: 'danger',
      confirm: {
        title: { text: 'Roll back checkout?' },
        text: { type: 'mrkdwn', text: 'Roll *checkout* back in *production*: *v1.2.3* → *v1.2.2* (blue-green). Runbook target: under 2 min.' },
        confirm: { text: 'Roll back' },
        deny: { text: 'Cancel' },
        style: 'danger',
      },
    });
    expect(block.elements[2]).toMatchObject({ text: { text: 'Disable flag fast-pay' }, confirm: { text: { text: 'Turn *fast-pay* off for *checkout* in *production*.' } } });
    // A value is only the offer id (the schema the listener parses it with); what it stands for is saved by the publisher.
    const values = block.elements.map((e) => remediationButtonValueSchema.parse(JSON.parse((e as { value: string }).value)));
    const offers = offersIn([block]);
    expect(offers.map((o) => o.id)).toEqual(values.map((v) => v.offer));
    expect(offers[0]!.payload).toEqual({ service: 'checkout', deployId: 'dep-42', context });
    expect(offers[2]!.payload).toEqual({ service: 'checkout', deployId: 'dep-42', context, flagKey: 'fast-pay' });
    expect(new Set(values.map((v) => v.offer)).size).toBe(3);
    // the same rendering gives the same ids (a card updated in place re-saves the same offers)
    expect(offersIn([remediationButtons(deploy(), context, { rollbackTargetText: '2 min' })!]).map((o) => o.id)).toEqual(offers.map((o) => o.id));
    expect(block.elements.slice(1).every((e) => DISABLE_FLAG_ACTION.test((e as { action_id: string }).action_id))).toBe(true);
  });

  it('offers nothing it cannot do', () => {
    expect(remediationButtons(deploy({ previousVersion: undefined, changes: { config: false, dependencies: false, migrations: [], flags: [] } }), context)).toBeUndefined();
    expect(remediationButtons(deploy(), context, { flags: false })!.elements).toHaveLength(1);
    expect(remediationButtons(deploy(), context, { rollback: false })!.elements).toHaveLength(2);
    expect(disableFlagButton({ service: 'checkout', environment: 'staging', flagKey: 'x', deployId: '' }, context).action_id).toBe(REMEDIATION_ACTIONS.disableFlag);
  });
});

describe('remediation status builders', () => {
  it('shows the state, the elapsed time against the runbook target and who asked', () => {
    const message = remediationStatusMessage(record(), new Date('2026-11-22T10:05:42.000Z'), 120_000);
    expect(message.text).toBe(':arrows_counterclockwise: Rollback of *checkout* v1.2.3 → v1.2.2 (blue-green, production): running');
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('*Running* — attempt 1 of 3');
    expect(text).toContain('42 s elapsed of the runbook target of under 2 min');
    expect(text).toContain('Requested by <@U0RESP1> at 10:05:00 UTC');
    const late = remediationStatusMessage(record({ state: 'succeeded', finishedAt: '2026-11-22T10:08:00.000Z', result: 'done' }), new Date('2026-11-22T10:30:00.000Z'), 120_000);
    expect(JSON.stringify(late.blocks)).toContain('3 min elapsed — :warning: over the runbook target of 2 min');
  });

  it('reports a failure in plain words with who should be paged', () => {
    const failed = record({ state: 'failed', attempt: 3, error: 'deployer answered HTTP 503', errorDetail: 'HTTP 503' });
    const paged = JSON.stringify(failureMessage(failed, { level: 2, targets: ['U0LEAD', 'S0LEADS'] }, false).blocks);
    expect(paged).toContain('failed* after 3 attempts');
    expect(paged).toContain('*What went wrong:* deployer answered HTTP 503');
    expect(paged).toContain('*Who should be paged now:* level 2 — <@U0LEAD>, <!subteam^S0LEADS>');
    expect(JSON.stringify(failureMessage(failed, { level: 2, targets: [], role: 'team-lead' }, false).blocks)).toContain('level 2 (team-lead)');
    expect(JSON.stringify(failureMessage(failed, { level: 1, targets: ['U0ONCALL'] }, true).blocks)).toContain('Escalated to level 1 through the escalation policy: <@U0ONCALL>');
  });

  it('tells a second clicker who started the action and how far it got', () => {
    expect(alreadyStartedText(record({ state: 'retrying', attempt: 2 }), false).toString()).toBe(
      ':warning: The rollback of *checkout* v1.2.3 → v1.2.2 (blue-green, production) was already started by <@U0RESP1> at 10:05:00 UTC — it is *retrying* (attempt 2 of 3). Nothing new was started.',
    );
  });
});
