import { escalationChannelMessage, escalationDirectMessage, updateReminderMessage } from '../../../src/blocks/escalation';
import { ESCALATION_ACTIONS, parseEscalationButtonValue } from '../../../src/blocks/escalation-ids';
import { loadContent } from '../../../src/content';
import type { LevelNotice } from '../../../src/domain/escalation/model';
import type { Incident } from '../../../src/domain/incidents/model';
import type { RenderTemplate } from '../../../src/blocks/incident-messages';

const content = loadContent();
const render: RenderTemplate = (id, vars) => content.render(id as Parameters<typeof content.render>[0], vars);

const incident: Incident = {
  id: 'INC-4', number: 4, title: 'Checkout <500s> & timeouts', severity: 'P1', service: 'checkout', impact: 'errors', status: 'open',
  workStatus: 'Investigating', reporterId: 'U0REP', commanderId: 'U0IC', createdAt: '2026-11-22T10:00:00.000Z', updateCount: 1, revision: 1,
  channelName: 'inc-checkout', channelId: 'C0INC4', publication: { invited: true, topicSet: true, pinned: true },
};
const notice: LevelNotice = {
  incident,
  level: { level: 2, after: 1_800_000, notify: ['U0LEAD', 'S0LEADS'], role: 'team-lead' },
  epoch: 3,
  round: 0,
  reason: { kind: 'elapsed', after: 1_800_000 },
  latestUpdate: 'Update #1: Identified — rolled back',
  now: new Date('2026-11-22T10:30:00.000Z'),
};

type Button = { type: string; text: { text: string }; action_id: string; value: string };
const buttons = (blocks: unknown[]) => (blocks as { type: string; elements?: Button[] }[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

describe('escalation blocks', () => {
  it('a DM says what, how bad, how old, who leads, the latest update and where, with three buttons', () => {
    const message = escalationDirectMessage(notice, render);
    for (const expected of ['Escalation level 2', 'Checkout &lt;500s&gt; &amp; timeouts', 'P1', 'checkout', '30 minutes', '<@U0IC>', 'Update #1', '<#C0INC4>', 'level 2 (team-lead), unresolved after 30 minutes']) {
      expect(message.text).toContain(expected);
    }
    const found = buttons(message.blocks);
    expect(found.map((b) => [b.text.text, b.action_id])).toEqual([
      ['Acknowledge', ESCALATION_ACTIONS.acknowledge],
      ['Join channel', ESCALATION_ACTIONS.joinChannel],
      ['Escalate now', ESCALATION_ACTIONS.escalateNow],
    ]);
    expect(parseEscalationButtonValue(found[0]!.value)).toEqual({ incidentId: 'INC-4', level: 2, epoch: 3 });
    expect(escalationDirectMessage({ ...notice, round: 2 }, render).text).toMatch(/^Reminder 2:/);
  });

  it('the channel line names the targets and the reason, with Acknowledge and Escalate now', () => {
    const message = escalationChannelMessage(notice, render);
    expect(message.text).toBe(':arrow_up: Escalated to level 2: <@U0LEAD>, <!subteam^S0LEADS> — unresolved after 30 minutes (open for 30 minutes)');
    expect(buttons(message.blocks).map((b) => b.text.text)).toEqual(['Acknowledge', 'Escalate now', 'Data loss risk']);
    expect(buttons(message.blocks).at(-1)!.action_id).toBe(ESCALATION_ACTIONS.dataLoss);
  });

  it('a level nobody is configured for says in the channel who could not be paged', () => {
    const message = escalationChannelMessage({ ...notice, level: { level: 3, after: 3_600_000, notify: [], role: 'engineering-manager' } }, render);
    expect(message.text).toBe(
      ":warning: Could not page level 3 (engineering-manager): nobody is configured for it in checkout's escalation — unresolved after 30 minutes. Page them by hand.",
    );
  });

  it('the update reminder mentions the commander and carries Post update', () => {
    const message = updateReminderMessage({ incident, silentFor: 1_260_000, interval: 1_200_000, epoch: 0 }, render);
    expect(message.text).toContain('<@U0IC>, no update for 21 minutes (we aim for one every 20 minutes)');
    expect(buttons(message.blocks).map((b) => [b.text.text, b.action_id])).toEqual([['Post update', ESCALATION_ACTIONS.postUpdate]]);
  });

  it('rejects button values that are not ours', () => {
    expect(parseEscalationButtonValue('not json')).toBeUndefined();
    expect(parseEscalationButtonValue(JSON.stringify({ incidentId: 'INC-4' }))).toBeUndefined();
  });
});
