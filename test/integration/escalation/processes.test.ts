import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { deleteKeys, redisUrl, sleep, waitFor } from '../../helpers/harness';
import { FORM, postSigned, selectValue, textValue, viewSubmission } from '../../helpers/slack';
import { startProcessBot, startSlackApi, type ProcessBot, type SlackApi } from './process-bot';

jest.setTimeout(150_000); // real processes, each compiling TypeScript at start: slow on a busy machine

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0s, notify: [U0ONCALL, S0TEAM] }
      - { after: 4s, notify: [U0LEAD] }
      - { after: 5s, notify: [U0CTO, S0TEAM] }
`;

/** "user:level" of every DM, the level read from the Acknowledge button. */
function dmLevels(slack: SlackApi): string[] {
  return slack.calls
    .filter((c) => c.method === 'chat.postMessage' && String(c.body.channel).startsWith('D0'))
    .map((c) => {
      const value = JSON.stringify(c.body.blocks).match(/\\"level\\":(\d+)/)?.[1];
      return `${String(c.body.channel).slice(2)}:${value ?? '?'}`;
    });
}

const dmsTo = (slack: SlackApi, user: string) => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === `D0${user}`);

async function startIncident(bot: ProcessBot): Promise<void> {
  const values = { [B.title]: textValue('Checkout down'), [B.severity]: selectValue('P2'), [B.impact]: textValue('All checkouts fail'), [B.service]: selectValue('checkout') };
  const answer = await postSigned(bot.url, viewSubmission({ callbackId: INCIDENT_VIEWS.start, values }), FORM);
  expect(answer.status).toBe(200);
}

describe('escalation across real bot processes', () => {
  let slack: SlackApi;
  let prefix: string;
  const bots: ProcessBot[] = [];

  beforeEach(async () => {
    slack = await startSlackApi({ S0TEAM: ['U0A', 'U0B'] });
    prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  });
  afterEach(async () => {
    await Promise.all(bots.splice(0).map((bot) => bot.stop('SIGKILL')));
    await slack.close();
    const redis = new Redis(redisUrl());
    await deleteKeys(redis, `${prefix}:*`);
    await redis.quit();
  });

  it('a bot killed between scheduling and firing: its successor fires the overdue levels, once', async () => {
    const first = await startProcessBot({ config: CONFIG, prefix, slack });
    bots.push(first);
    await startIncident(first);
    await waitFor('level 1', () => dmsTo(slack, 'U0ONCALL').length === 1 && dmsTo(slack, 'U0B').length === 1, 10_000);
    await bots.pop()!.stop('SIGKILL');

    await sleep(5500); // levels 2 and 3 fall due with no bot running
    expect(dmsTo(slack, 'U0LEAD')).toHaveLength(0);
    const second = await startProcessBot({ config: CONFIG, prefix, slack });
    bots.push(second);
    await waitFor('levels 2 and 3', () => dmsTo(slack, 'U0LEAD').length === 1 && dmsTo(slack, 'U0CTO').length === 1, 10_000);
    await sleep(1000);
    expect(dmLevels(slack).sort()).toEqual(['U0A:1', 'U0A:3', 'U0B:1', 'U0B:3', 'U0CTO:3', 'U0LEAD:2', 'U0ONCALL:1']);
  });

  it('three bot processes on one Redis: one DM per person per level, one line per level', async () => {
    bots.push(...(await Promise.all([0, 1, 2].map(() => startProcessBot({ config: CONFIG, prefix, slack })))));
    await startIncident(bots[1]!);
    await waitFor('level 3', () => dmsTo(slack, 'U0CTO').length >= 1, 20_000);
    await sleep(1500);
    expect(dmLevels(slack).sort()).toEqual(['U0A:1', 'U0A:3', 'U0B:1', 'U0B:3', 'U0CTO:3', 'U0LEAD:2', 'U0ONCALL:1']);
    const lines = slack.calls.filter((c) => c.method === 'chat.postMessage' && String(c.body.text).startsWith(':arrow_up: Escalated to level'));
    expect(lines.map((c) => String(c.body.text).split(' — ')[0]).sort()).toEqual([
      ':arrow_up: Escalated to level 2: <@U0LEAD>',
      ':arrow_up: Escalated to level 3: <@U0CTO>, <!subteam^S0TEAM>',
    ]);
    expect(slack.calls.filter((c) => c.method === 'conversations.create')).toHaveLength(1);
  });
});
