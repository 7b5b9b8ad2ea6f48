import { answerText, command, dmLevels, dmsTo, postsContaining, startBot, startIncident, type Bot } from './helpers';
import { sleep, waitFor } from '../../helpers/harness';

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0s, notify: [U0ONCALL, S0TEAM] }
      - { after: 3s, notify: [U0LEAD] }
      - { after: 4s, notify: [U0CTO, S0TEAM] }
`;

describe('durable, exactly-once timers', () => {
  const bots: Bot[] = [];
  afterEach(async () => {
    // the last one cleans Redis and the fake Slack
    const last = bots.pop();
    for (const bot of bots.splice(0)) await bot.close({ keepData: true, keepSlack: true });
    await last?.close();
  });

  it('a timer scheduled before a restart fires once when the bot is back, even if overdue', async () => {
    const first = await startBot({ config: CONFIG });
    bots.push(first);
    first.slack.on('usergroups.users.list', () => ({ ok: true, users: ['U0A', 'U0B'] }));
    const channel = await startIncident(first);
    await waitFor('level 1', () => dmsTo(first.slack, 'U0ONCALL').length === 1 && dmsTo(first.slack, 'U0B').length === 1);
    await bots.pop()!.close({ keepData: true, keepSlack: true });

    // Level 2 is 3 s out, so even a slow machine stops the bot before it: then both come due with no bot.
    await sleep(4500);
    expect(dmsTo(first.slack, 'U0LEAD')).toHaveLength(0);
    const second = await startBot({ config: CONFIG, prefix: first.prefix, slack: first.slack });
    bots.push(second);
    await waitFor('overdue levels fire', () => dmsTo(second.slack, 'U0LEAD').length === 1 && dmsTo(second.slack, 'U0CTO').length === 1, 10_000);
    await waitFor('lines', () => postsContaining(second.slack, channel, 'Escalated to level').length === 2);
    await sleep(500);
    // U0A/U0B are in S0TEAM at levels 1 and 3: once per level
    expect(dmLevels(second.slack).sort()).toEqual(['U0A:1', 'U0A:3', 'U0B:1', 'U0B:3', 'U0CTO:3', 'U0LEAD:2', 'U0ONCALL:1']);
    expect(answerText(await command(second, 'status', channel))).toContain('Checkout 500s after deploy');
  });

  it('three replicas with workers on one Redis send one DM per person per level', async () => {
    const first = await startBot({ config: CONFIG });
    first.slack.on('usergroups.users.list', () => ({ ok: true, users: ['U0A', 'U0B'] }));
    bots.push(first);
    for (let i = 0; i < 2; i++) bots.push(await startBot({ config: CONFIG, prefix: first.prefix, slack: first.slack }));
    const channel = await startIncident(first, { severity: 'P2' });
    // commands land on every replica while the ladder climbs
    await Promise.all(bots.map((bot) => command(bot, 'status', channel)));
    await waitFor('level 3', () => dmsTo(first.slack, 'U0CTO').length >= 1, 15_000);
    await sleep(1000);
    expect(dmLevels(first.slack).sort()).toEqual(['U0A:1', 'U0A:3', 'U0B:1', 'U0B:3', 'U0CTO:3', 'U0LEAD:2', 'U0ONCALL:1']);
    expect(postsContaining(first.slack, channel, 'Escalated to level 2')).toHaveLength(1);
    expect(postsContaining(first.slack, channel, 'Escalated to level 3')).toHaveLength(1);
    expect(first.slack.called('conversations.create')).toHaveLength(1);
    const timeline = ((await command(bots[2]!, 'timeline', channel)).json as { text: string }).text;
    expect(timeline.match(/Escalated to level 2/g)).toHaveLength(1);
    expect(timeline.match(/Escalated to level 3/g)).toHaveLength(1);
  });
});
