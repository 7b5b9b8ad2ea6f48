import { answerText, command, dmLevels, dmsTo, postsContaining, postUpdate, press, startBot, startIncident, type Bot } from './helpers';
import { sleep, waitFor } from '../../helpers/harness';

const LADDER = `
announcements: "#incidents"
services:
  checkout:
    channel: "#checkout-alerts"
    responders: [U0RESP1]
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
      - { after: 1s, notify: [U0LEAD] }
      - { after: 2s, notify: [S0MGMT] }
`;

const SLOW_LADDER = `
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
      - { after: 1h, notify: [U0LEAD] }
      - { after: 2h, notify: [U0CTO] }
`;

describe('escalation ladder', () => {
  let bot: Bot;
  afterEach(() => bot.close());

  it('climbs every level on time, once per person, with DMs, channel lines and timeline entries', async () => {
    bot = await startBot({ config: LADDER });
    bot.slack.on('usergroups.users.list', (call) => (call.body.usergroup === 'S0MGMT' ? { ok: true, users: ['U0EM', 'U0CTO'] } : undefined));
    const channel = await startIncident(bot, { severity: 'P2' });

    await waitFor('level 1 DM', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
    const [dm] = dmsTo(bot.slack, 'U0ONCALL');
    const text = JSON.stringify(dm!.body);
    for (const expected of ['Escalation level 1', 'Checkout 500s after deploy', 'P2', 'checkout', '<@U0REPORTER>', `<#${channel}>`, 'Acknowledge', 'Join channel', 'Escalate now']) {
      expect(text).toContain(expected);
    }
    expect(bot.slack.called('conversations.open').map((c) => c.body.users)).toContain('U0ONCALL');
    await postUpdate(bot, 'INC-1');

    await waitFor('level 2 DM', () => dmsTo(bot.slack, 'U0LEAD').length === 1);
    await waitFor('level 3 DMs', () => dmsTo(bot.slack, 'U0EM').length === 1 && dmsTo(bot.slack, 'U0CTO').length === 1);
    expect(JSON.stringify(dmsTo(bot.slack, 'U0CTO')[0]!.body)).toContain('Update #1: Identified — Rolled back');

    // the opening page is not announced; levels 2 and 3 are, once each
    await waitFor('level 3 line', () => postsContaining(bot.slack, channel, 'Escalated to level 3').length === 1);
    expect(postsContaining(bot.slack, channel, 'Escalated to level 1')).toHaveLength(0);
    const [two] = postsContaining(bot.slack, channel, 'Escalated to level 2');
    expect(String(two!.body.text)).toContain('<@U0LEAD> — unresolved after 1 second');
    expect(String(postsContaining(bot.slack, channel, 'Escalated to level 3')[0]!.body.text)).toContain('<!subteam^S0MGMT> — unresolved after 2 seconds');

    await sleep(1200);
    expect(dmLevels(bot.slack).sort()).toEqual(['U0CTO:3', 'U0EM:3', 'U0LEAD:2', 'U0ONCALL:1']);
    expect(postsContaining(bot.slack, channel, 'Escalated to level')).toHaveLength(2);
    const timeline = answerText(await command(bot, 'timeline', channel));
    for (const expected of ['Escalated to level 1', 'Escalated to level 2', 'Escalated to level 3']) expect(timeline).toContain(expected);
  });

  it('Acknowledge records who and stops the reminders; /incident ack then says who did', async () => {
    bot = await startBot({ config: SLOW_LADDER, policy: { renotifyEvery: 1000 } });
    const channel = await startIncident(bot);
    await waitFor('a reminder of level 1', () => dmsTo(bot.slack, 'U0ONCALL').length === 2);
    const reminder = dmsTo(bot.slack, 'U0ONCALL')[1]!;
    expect(String(reminder.body.text)).toMatch(/^Reminder 1:/);

    const reply = await press(bot, reminder, 'Acknowledge', 'U0ONCALL');
    expect(reply).toContain('You acknowledged escalation level 1 of INC-1');
    await waitFor('acknowledgement in the channel', () => postsContaining(bot.slack, channel, 'acknowledged escalation level 1').length === 1);
    const count = dmsTo(bot.slack, 'U0ONCALL').length;
    await sleep(2200);
    expect(dmsTo(bot.slack, 'U0ONCALL')).toHaveLength(count);

    expect(answerText(await command(bot, 'ack', channel, 'U0SOMEONE'))).toContain('already acknowledged by <@U0ONCALL>');
    expect(await press(bot, reminder, 'Acknowledge', 'U0OTHER')).toContain('Only the people paged for this incident');
    expect(await press(bot, reminder, 'Acknowledge', 'U0REPORTER')).toContain('already acknowledged by <@U0ONCALL>'); // the commander
    const timeline = answerText(await command(bot, 'timeline', channel));
    expect(timeline).toContain('<@U0ONCALL> — Acknowledged escalation level 1');
  });

  it('Escalate now and /incident escalate jump a level; Join channel invites the clicker', async () => {
    bot = await startBot({ config: SLOW_LADDER });
    const channel = await startIncident(bot);
    await waitFor('level 1 DM', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
    const levelOne = dmsTo(bot.slack, 'U0ONCALL')[0]!;

    expect(await press(bot, levelOne, 'Escalate now', 'U0ONCALL')).toContain('Escalating INC-1 to level 2 now: <@U0LEAD>');
    await waitFor('level 2 DM', () => dmsTo(bot.slack, 'U0LEAD').length === 1);
    await waitFor('level 2 line', () => postsContaining(bot.slack, channel, 'Escalated to level 2').length === 1);
    expect(String(postsContaining(bot.slack, channel, 'Escalated to level 2')[0]!.body.text)).toContain('escalated by <@U0ONCALL>');
    // the same button again (a double click) does not skip a level
    expect(await press(bot, levelOne, 'Escalate now', 'U0ONCALL')).toContain('Level 2 of INC-1 has already been notified');

    expect(await press(bot, dmsTo(bot.slack, 'U0LEAD')[0]!, 'Join channel', 'U0LEAD')).toContain(`You are in <#${channel}>`);
    expect(bot.slack.called('conversations.invite').at(-1)!.body).toMatchObject({ channel, users: 'U0LEAD' });

    expect(answerText(await command(bot, 'escalate', channel))).toContain('Escalating INC-1 to level 3 now: <@U0CTO>');
    await waitFor('level 3 DM', () => dmsTo(bot.slack, 'U0CTO').length === 1);
    expect(answerText(await command(bot, 'escalate', channel))).toContain('already at the highest escalation level (3)');
    await sleep(300);
    expect(dmLevels(bot.slack).sort()).toEqual(['U0CTO:3', 'U0LEAD:2', 'U0ONCALL:1']);
  });
});
