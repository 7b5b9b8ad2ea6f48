import { INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { redisKeys } from '../../../src/lib/keys';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { answerText, command, postsContaining, postUpdate, press, resolveIncident, startBot, startIncident, type Bot } from './helpers';
import { sleep, waitFor } from '../../helpers/harness';

const CONFIG = `
announcements: "#incidents"
services:
  checkout:
    channel: "#checkout-alerts"
    updateEvery: 2s
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
`;

describe('update and postmortem reminders', () => {
  let bot: Bot;
  afterEach(() => bot.close());

  it('reminds the commander after updateEvery of silence; each update resets it; Post update opens the modal', async () => {
    bot = await startBot({ config: CONFIG });
    const channel = await startIncident(bot);
    await sleep(1000);
    await postUpdate(bot, 'INC-1');

    await waitFor('update reminder', () => postsContaining(bot.slack, channel, 'no update for').length === 1);
    const [reminder] = postsContaining(bot.slack, channel, 'no update for');
    // The first silence would have ended about 1 s after the update; the update reset it to 2 s: the
    // incident's own timeline has the reminder 2 s after the update (less the ms between the records).
    const store = new RedisIncidentStore(bot.redis, redisKeys(bot.prefix));
    await waitFor('the reminder on the timeline', async () => (await store.timeline('INC-1')).some((e) => e.kind === 'reminder'));
    const entries = await store.timeline('INC-1');
    const update = entries.find((e) => e.kind === 'update')!;
    const reminded = entries.find((e) => e.kind === 'reminder')!;
    expect(Date.parse(reminded.at) - Date.parse(update.at)).toBeGreaterThanOrEqual(1950);
    expect(String(reminder!.body.text)).toContain('<@U0REPORTER>, no update for 2 seconds');

    await press(bot, reminder!, 'Post update', 'U0REPORTER');
    await waitFor('update modal', () => bot.slack.called('views.open').length === 1);
    const modal = bot.slack.called('views.open')[0]!.body.view as { callback_id: string; private_metadata: string };
    expect(modal).toMatchObject({ callback_id: INCIDENT_VIEWS.update, private_metadata: JSON.stringify({ incidentId: 'INC-1' }) });

    await waitFor('second reminder', () => postsContaining(bot.slack, channel, 'no update for').length === 2, 5000);
    expect(answerText(await command(bot, 'timeline', channel))).toContain('Update reminder to @U0REPORTER: no update for 2 seconds');
  });

  it('announces the postmortem at resolve and reminds the commander unless it is marked scheduled', async () => {
    bot = await startBot({ config: CONFIG.replace('2s', '1h'), policy: { postmortemRemindAfter: 1500 } });
    const first = await startIncident(bot, { severity: 'P1', title: 'Payments down' });
    await resolveIncident(bot, 'INC-1');
    await waitFor('postmortem announced', () => postsContaining(bot.slack, '#incidents', 'postmortem').length === 1);
    expect(String(postsContaining(bot.slack, '#incidents', 'postmortem')[0]!.body.text)).toMatch(/INC-1 resolved .*the postmortem for \*Payments down\* \(P1\) is due by \d{4}-\d\d-\d\d/);
    await waitFor('postmortem reminder', () => postsContaining(bot.slack, first, 'Reminder: :memo: <@U0REPORTER>, the postmortem').length === 1);

    const second = await startIncident(bot, { severity: 'P1', title: 'Search down' });
    await resolveIncident(bot, 'INC-2');
    expect(answerText(await command(bot, 'postmortem scheduled', second))).toContain('marked as scheduled');
    expect(answerText(await command(bot, 'postmortem scheduled', second, 'U0OTHER'))).toContain('already marked as scheduled by <@U0REPORTER>');
    await sleep(2200);
    expect(postsContaining(bot.slack, second, 'Reminder:')).toHaveLength(0);

    // a short P3 needs no postmortem
    const third = await startIncident(bot, { severity: 'P3', title: 'Typo' });
    await resolveIncident(bot, 'INC-3');
    await waitFor('resolution posted', () => postsContaining(bot.slack, third, 'Typo').length >= 2);
    await sleep(300);
    expect(postsContaining(bot.slack, '#incidents', 'INC-3 resolved')).toHaveLength(0);
    expect(postsContaining(bot.slack, first, 'Reminder:')).toHaveLength(1);
  });
});
