import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisKeys } from '../../../src/lib/keys';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { redisUrl } from '../../helpers/harness';
import { answerText, buttonValue, command, dmsTo, postsContaining, resolveIncident, startBot, startIncident, type Bot } from './helpers';
import { sleep, waitFor } from '../../helpers/harness';

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
      - { after: 1500ms, notify: [U0LEAD] }
      - { after: 1h, notify: [U0CTO] }
`;

/** Timer jobs still waiting in BullMQ under this bot's prefix. */
const pendingTimers = (bot: Bot) => bot.redis.zcard(`${bot.prefix}:bull:timers:delayed`);

describe('escalation through the incident lifecycle', () => {
  let bot: Bot;
  afterEach(() => bot.close());

  it('resolve cancels every timer and nothing fires after; reopen climbs a fresh ladder from now', async () => {
    bot = await startBot({ config: CONFIG, policy: { renotifyEvery: 1000 } });
    const channel = await startIncident(bot, { severity: 'P2' });
    await waitFor('level 1 DM', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
    expect(await pendingTimers(bot)).toBeGreaterThan(0);

    await resolveIncident(bot, 'INC-1');
    await waitFor('timers cancelled', async () => (await pendingTimers(bot)) === 0);
    await sleep(2500); // past level 2's due time and level 1's reminder
    expect(dmsTo(bot.slack, 'U0LEAD')).toHaveLength(0);
    expect(dmsTo(bot.slack, 'U0ONCALL')).toHaveLength(1);
    expect(postsContaining(bot.slack, channel, 'Escalated')).toHaveLength(0);

    expect(answerText(await command(bot, 'reopen', channel))).toContain('INC-1 reopened');
    await waitFor('level 1 paged again', () => dmsTo(bot.slack, 'U0ONCALL').length >= 2);
    await waitFor('level 2 DM', () => dmsTo(bot.slack, 'U0LEAD').length === 1);
    // Counted from the reopening, not from the start (when it would have been overdue at once): the
    // incident's own timeline shows level 2 fired 1.5 s after the reopening (less the ms between the records).
    const store = new RedisIncidentStore(bot.redis, redisKeys(bot.prefix));
    await waitFor('level 2 on the timeline', async () => (await store.timeline('INC-1')).some((e) => e.text.startsWith('Escalated to level 2')));
    const entries = await store.timeline('INC-1');
    const reopened = entries.find((e) => e.kind === 'reopened')!;
    const level2 = entries.find((e) => e.text.startsWith('Escalated to level 2'))!;
    expect(Date.parse(level2.at) - Date.parse(reopened.at)).toBeGreaterThanOrEqual(1450);
    expect(buttonValue(dmsTo(bot.slack, 'U0LEAD')[0]!, 'Acknowledge')!.epoch).toBeGreaterThan(0); // the reopened ladder
  });

  it('a severity change to P0 reaches level 2 at once; level 3 keeps its delay', async () => {
    bot = await startBot({ config: CONFIG.replace('1500ms', '1h').replace('1h, notify: [U0CTO]', '2h, notify: [U0CTO]') });
    const channel = await startIncident(bot, { severity: 'P2' });
    await waitFor('level 1 DM', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
    await sleep(200);
    expect(dmsTo(bot.slack, 'U0LEAD')).toHaveLength(0);

    await command(bot, 'severity P0', channel);
    await waitFor('level 2 DM', () => dmsTo(bot.slack, 'U0LEAD').length === 1);
    await waitFor('level 2 line', () => postsContaining(bot.slack, channel, 'Escalated to level 2').length === 1);
    expect(String(postsContaining(bot.slack, channel, 'Escalated to level 2')[0]!.body.text)).toContain('P0 incident');
    await sleep(300);
    expect(dmsTo(bot.slack, 'U0CTO')).toHaveLength(0);
    expect(dmsTo(bot.slack, 'U0ONCALL')).toHaveLength(1);
  });

  it('a P0 incident pages levels 1 and 2 as it opens', async () => {
    bot = await startBot({ config: CONFIG.replace('1500ms', '1h') });
    await startIncident(bot, { severity: 'P0' });
    await waitFor('levels 1 and 2', () => dmsTo(bot.slack, 'U0ONCALL').length === 1 && dmsTo(bot.slack, 'U0LEAD').length === 1);
    expect(dmsTo(bot.slack, 'U0CTO')).toHaveLength(0);
  });

  it('a level timer that fires before its level is due (a stale move) goes back to waiting', async () => {
    bot = await startBot({ config: CONFIG.replace('1500ms', '1h') });
    await startIncident(bot);
    await waitFor('level 1 DM', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue('timers', { connection, prefix: `${bot.prefix}:bull` });
    try {
      const job = await queue.getJob('esc-INC-1-e0-l2');
      expect(await job!.getState()).toBe('delayed');
      await queue.remove('esc-INC-1-e0-l2');
      await queue.add('escalation', { ...job!.data, dueAt: new Date().toISOString() }, { jobId: 'esc-INC-1-e0-l2' });
      await waitFor('moved back to its due time', async () => {
        const again = await queue.getJob('esc-INC-1-e0-l2');
        return (await again?.getState()) === 'delayed' && again!.attemptsMade === 0 && again!.timestamp + again!.delay > Date.now() + 3_000_000;
      });
      expect(dmsTo(bot.slack, 'U0LEAD')).toHaveLength(0);
    } finally {
      await queue.close();
      await connection.quit();
    }
  });
});
