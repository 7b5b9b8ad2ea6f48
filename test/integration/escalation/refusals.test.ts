import { sleep, waitFor } from '../../helpers/harness';
import { dmsTo, postsContaining, startBot, startIncident, type Bot } from './helpers';
import { metricSum } from '../../helpers/metrics';

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0s, notify: [U0GONE, U0ONCALL] }
`;

const refusals = (bot: Bot) => metricSum(bot.url, 'firebreak_slack_failed_for_good_total');

describe('an escalation DM Slack refuses for good', () => {
  let bot: Bot;
  afterEach(() => bot.close());

  it('is given up once, counted and told in the channel; the other DMs still go out', async () => {
    bot = await startBot({ config: CONFIG });
    bot.slack.on('conversations.open', (call) => (call.body.users === 'U0GONE' ? { ok: false, error: 'user_not_found' } : undefined));
    const channel = await startIncident(bot, { service: 'checkout' });

    await waitFor('the refusal told in the incident channel', () => postsContaining(bot.slack, channel, 'user_not_found').length > 0);
    await waitFor('level 1 for the others', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
    await sleep(3000); // retries of the timer job, if any, would have run by now
    expect(dmsTo(bot.slack, 'U0ONCALL')).toHaveLength(1);
    expect(bot.slack.called('conversations.open').filter((c) => c.body.users === 'U0GONE')).toHaveLength(1);
    expect(postsContaining(bot.slack, channel, 'user_not_found')).toHaveLength(1);
    expect(postsContaining(bot.slack, channel, '<@U0GONE>').length).toBeGreaterThan(0);
    expect(await refusals(bot)).toBe(1);
  });
});
