import { fixedClock } from '../../../src/lib/clock';
import { answerText, command, dmsTo, postsContaining, startBot, startIncident, type Bot } from '../escalation/helpers';
import { waitFor } from '../../helpers/harness';

// Injected times only: the bot's clock is fixed; nothing is compared with the real date.
// 30 March 2026 07:30 UTC is 09:30 in Berlin, the first Monday after clocks went forward: Bob's
// turn began at 09:00 local (07:00 UTC). Counting 168 real hours from the start would still say Alice.
const NOW = '2026-03-30T07:30:00Z';

const CONFIG = `
oncall:
  rotations:
    checkout-primary:
      members: [U0ALICE001, U0BOB00001, U0CAROL001]
      start: "2026-03-23T08:00:00Z"
      length: 1w
      timezone: Europe/Berlin
services:
  checkout:
    channel: "#checkout-alerts"
    responders: [rotation:checkout-primary]
    escalation:
      - { after: 0s, notify: [rotation:checkout-primary] }
      - { after: 1h, notify: [U0LEAD] }
`;

const invitedTo = (bot: Bot, channel: string) =>
  bot.slack
    .called('conversations.invite')
    .filter((c) => c.body.channel === channel)
    .flatMap((c) => String(c.body.users).split(','));

describe('rotations', () => {
  let bot: Bot;
  afterEach(() => bot.close());

  it('pages whoever is on call now, shows the board, and an override takes the shift (with a handoff line and an invitation), across a restart', async () => {
    const clock = fixedClock(NOW);
    bot = await startBot({ config: CONFIG, clock, policy: { renotifyEvery: 1000 } });
    const channel = await startIncident(bot);

    await waitFor('level 1 DM to the on-call', () => dmsTo(bot.slack, 'U0BOB00001').length >= 1);
    expect(dmsTo(bot.slack, 'U0ALICE001')).toHaveLength(0);
    // level 1 (the rotation) is invited to the incident channel
    await waitFor('on-call invited', () => invitedTo(bot, channel).includes('U0BOB00001'));

    const board = answerText(await command(bot, 'oncall', 'C0ELSEWHERE'));
    expect(board).toContain('checkout-primary');
    expect(board).toContain('<@U0BOB00001> until');
    expect(board).toContain('2026-04-06T07:00:00Z'); // Monday 09:00 in Berlin
    expect(board).toContain('then <@U0CAROL001>');

    const reply = answerText(await command(bot, 'oncall override checkout-primary <@U0DAVE0001|dave> 8h', 'C0ELSEWHERE', 'U0LEAD'));
    expect(reply).toContain('<@U0DAVE0001> is on call for *checkout-primary* until');
    expect(reply).toContain('2026-03-30T15:30:00Z');

    await waitFor('handoff line in the open incident', () => postsContaining(bot.slack, channel, 'On-call handoff').length === 1);
    const [line] = postsContaining(bot.slack, channel, 'On-call handoff');
    expect(String(line!.body.text)).toContain('<@U0DAVE0001> is now on call (was <@U0BOB00001>)');
    await waitFor('new on-call invited', () => invitedTo(bot, channel).includes('U0DAVE0001'));
    // level 1's reminders now go to the person on call when each fires
    await waitFor('a reminder to the override', () => dmsTo(bot.slack, 'U0DAVE0001').length >= 1);

    const timeline = answerText(await command(bot, 'timeline', channel));
    expect(timeline).toContain('On-call handoff in checkout-primary: @U0DAVE0001 takes over from @U0BOB00001');

    // the override lives in Redis: a restarted bot still knows it
    const { prefix, slack } = bot;
    await bot.close({ keepData: true, keepSlack: true });
    bot = await startBot({ config: CONFIG, clock, prefix, slack });
    const after = answerText(await command(bot, 'oncall', 'C0ELSEWHERE'));
    expect(after).toContain('<@U0DAVE0001> (override by <@U0LEAD>) until');
    expect(after).toContain('then <@U0BOB00001>');
    expect(postsContaining(bot.slack, channel, 'On-call handoff')).toHaveLength(1);
  });

  it('refuses bad overrides with a reason and changes nothing', async () => {
    bot = await startBot({ config: CONFIG, clock: fixedClock(NOW) });
    const cases: [string, string][] = [
      ['oncall override nope <@U0DAVE0001> 8h', 'No rotation \\"nope\\"'],
      ['oncall override checkout-primary dave 8h', 'is not a user'],
      ['oncall override checkout-primary <@U0DAVE0001> soon', 'is not a duration'],
      ['oncall override checkout-primary', 'expected a rotation, a user and a duration'],
      ['oncall later', "I don't know"],
    ];
    for (const [text, expected] of cases) expect(answerText(await command(bot, text, 'C0ELSEWHERE'))).toContain(expected);
    expect(answerText(await command(bot, 'oncall', 'C0ELSEWHERE'))).toContain('<@U0BOB00001> until');
  });

  it('a handoff at the end of a turn is said in the open incident and the next on-call is invited', async () => {
    // a 1-minute rotation whose turn changes 3 seconds after the (fixed) now
    const now = new Date(NOW);
    const start = new Date(now.getTime() - 57_000).toISOString();
    const config = CONFIG.replace('start: "2026-03-23T08:00:00Z"', `start: "${start}"`).replace('length: 1w', 'length: 1m');
    bot = await startBot({ config, clock: fixedClock(now) });
    const channel = await startIncident(bot);
    await waitFor('level 1 DM', () => dmsTo(bot.slack, 'U0ALICE001').length === 1);
    expect(postsContaining(bot.slack, channel, 'On-call handoff')).toHaveLength(0);

    await waitFor('handoff line', () => postsContaining(bot.slack, channel, 'On-call handoff').length === 1, 15_000);
    expect(String(postsContaining(bot.slack, channel, 'On-call handoff')[0]!.body.text)).toContain('<@U0BOB00001> is now on call (was <@U0ALICE001>)');
    await waitFor('Bob invited', () => invitedTo(bot, channel).includes('U0BOB00001'));
  });
});
