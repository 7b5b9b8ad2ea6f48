import nock from 'nock';
import { answerText, command, dmsTo, postsContaining, resolveIncident, startBot, startIncident, type Bot } from '../escalation/helpers';
import { waitFor } from '../../helpers/harness';

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    pagerduty: { routingKey: "R0UTINGKEY0123456789012345678901" }
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
`;

interface EnqueueBody {
  routing_key: string;
  event_action: string;
  dedup_key: string;
  payload?: { summary: string; source: string; severity: string };
}

/** PagerDuty's Events API v2: records every event; `answers` replies in turn (then 202). */
function fakeEvents(answers: [number, unknown][] = []) {
  const received: EnqueueBody[] = [];
  const scope = nock('https://events.pagerduty.com')
    .persist()
    .post('/v2/enqueue')
    .reply((_uri, body) => {
      received.push(body as EnqueueBody);
      const answer = answers.shift();
      if (answer) return answer;
      return [202, { status: 'success', message: 'Event processed', dedup_key: (body as EnqueueBody).dedup_key }];
    });
  return { received, scope };
}

describe('PagerDuty Events v2 mirror', () => {
  let bot: Bot;
  afterEach(async () => {
    await bot.close();
    nock.cleanAll();
  });

  it('triggers when the incident opens, acknowledges on /incident ack, resolves with it — dedup_key is the incident id', async () => {
    const events = fakeEvents();
    bot = await startBot({ config: CONFIG });
    const channel = await startIncident(bot, { title: 'Checkout <b>500s</b>' });
    await waitFor('trigger', () => events.received.length === 1);
    expect(events.received[0]).toMatchObject({
      routing_key: 'R0UTINGKEY0123456789012345678901',
      event_action: 'trigger',
      dedup_key: 'INC-1',
      payload: { summary: 'INC-1 P2: Checkout <b>500s</b>', source: 'checkout', severity: 'error' },
    });

    await waitFor('level 1 paged', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
    expect(answerText(await command(bot, 'ack', channel, 'U0ONCALL'))).toContain('acknowledged');
    await waitFor('acknowledge', () => events.received.length === 2);
    expect(events.received[1]).toEqual({ routing_key: 'R0UTINGKEY0123456789012345678901', event_action: 'acknowledge', dedup_key: 'INC-1' });

    await resolveIncident(bot, 'INC-1');
    await waitFor('resolve', () => events.received.length === 3);
    expect(events.received[2]).toEqual({ routing_key: 'R0UTINGKEY0123456789012345678901', event_action: 'resolve', dedup_key: 'INC-1' });

    const timeline = answerText(await command(bot, 'timeline', channel));
    for (const text of ['PagerDuty alert triggered', 'PagerDuty alert acknowledged', 'PagerDuty alert resolved']) expect(timeline).toContain(text);
    expect(events.received.map((e) => e.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
  });

  it('retries a PagerDuty outage, and says so in the channel when PagerDuty refuses an event', async () => {
    const events = fakeEvents([
      [503, { status: 'unavailable' }],
      [400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Length of routing_key is incorrect'] }],
    ]);
    bot = await startBot({ config: CONFIG });
    const channel = await startIncident(bot);
    // first attempt 503, second 400: the trigger is refused for good and reported
    await waitFor('failure reported', () => postsContaining(bot.slack, channel, 'PagerDuty could not be told to trigger').length === 1, 15_000);
    expect(events.received).toHaveLength(2);
    expect(String(postsContaining(bot.slack, channel, 'PagerDuty could not be told')[0]!.body.text)).toContain('HTTP 400');
    // Slack was never held up: the incident is open and paged as usual
    await waitFor('level 1 paged', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
  });

  it('services without a routing key send nothing', async () => {
    const events = fakeEvents();
    bot = await startBot({ config: CONFIG.replace(/ {4}pagerduty: .*\n/, '') });
    await startIncident(bot);
    await waitFor('level 1 paged', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
    expect(events.received).toHaveLength(0);
  });
});
