import { randomUUID } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import nock from 'nock';
import { fixedClock } from '../../../src/lib/clock';
import { redisKeys } from '../../../src/lib/keys';
import { createLogger } from '../../../src/lib/logger';
import { ProviderSchedules } from '../../../src/outbound/oncall/external-schedules';
import { FakeSlack, SLACK_API_URL } from '../../helpers/fake-slack';
import { deleteKeys, redisUrl, waitFor } from '../../helpers/harness';
import { answerText, command, dmsTo, postsContaining, startBot, startIncident, type Bot } from '../escalation/helpers';

/** GET /oncalls as PagerDuty's REST API v2 documents it (include[]=users: full user objects with email). */
const pagerdutyOncalls = (email: string, end: Date) => ({
  oncalls: [
    {
      escalation_policy: { id: 'PT20YPA', type: 'escalation_policy_reference', summary: 'Engineering Escalation Policy', self: 'https://api.pagerduty.com/escalation_policies/PT20YPA', html_url: 'https://subdomain.pagerduty.com/escalation_policies/PT20YPA' },
      escalation_level: 1,
      schedule: { id: 'PSCHED01', type: 'schedule_reference', summary: 'Daily Engineering Rotation', self: 'https://api.pagerduty.com/schedules/PSCHED01', html_url: 'https://subdomain.pagerduty.com/schedules/PSCHED01' },
      user: { id: 'PXPGF42', type: 'user', name: 'Earline Greenholt', email, time_zone: 'America/Lima', summary: 'Earline Greenholt' },
      start: new Date(end.getTime() - 86_400_000).toISOString().replace('.000Z', 'Z'),
      end: end.toISOString().replace('.000Z', 'Z'),
    },
  ],
  limit: 25,
  offset: 0,
  more: false,
  total: null,
});

/** GET /v2/schedules/{name}/on-calls?flat=true as Opsgenie documents it. */
const opsgenieOnCalls = (emails: string[]) => ({
  data: { _parent: { id: 'd875alp4-9b4e-4219-a803-0c26936d18de', name: 'platform_schedule', enabled: true }, onCallRecipients: emails },
  took: 0.101,
  requestId: '8e1a8a74-1e89-4b6a-a5a8-5f6c2a0a5e0b',
});

const EMAILS: Record<string, string> = { 'earline@example.com': 'U0EARLINE1', 'ops@example.com': 'U0OPSUSER1', 'kim@example.com': 'U0KIM00001' };
const lookupByEmail = (slack: FakeSlack) =>
  slack.on('users.lookupByEmail', (call) => {
    const id = EMAILS[String(call.body.email)];
    return id ? { ok: true, user: { id, profile: { email: call.body.email } } } : { ok: false, error: 'users_not_found' };
  });

describe('external schedules (ProviderSchedules)', () => {
  const prefix = `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let redis: Redis;
  let slack: FakeSlack;
  beforeAll(() => {
    redis = new Redis(redisUrl());
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  beforeEach(() => {
    slack = new FakeSlack();
    lookupByEmail(slack);
  });
  afterEach(async () => {
    nock.cleanAll();
    await deleteKeys(redis, `${prefix}:*`);
  });
  afterAll(async () => {
    await redis.quit();
    nock.enableNetConnect();
  });

  const schedules = (clock: ReturnType<typeof fixedClock>) =>
    new ProviderSchedules({
      redis,
      keys: redisKeys(prefix),
      client: () => new WebClient('xoxb-test', { slackApiUrl: SLACK_API_URL, retryConfig: { retries: 0 } }),
      clock,
      logger: createLogger('silent'),
      cacheFor: 60_000,
      pagerdutyToken: 'pd-token',
      opsgenieToken: 'og-key',
    });

  it('PagerDuty: the on-call email becomes a Slack user; cached briefly but not past the shift; the last answer is used (and said stale) when PagerDuty is down', async () => {
    const t0 = new Date(Date.UTC(2030, 0, 1));
    const clock = fixedClock(t0);
    const shiftEnd = new Date(t0.getTime() + 45_000);
    const api = nock('https://api.pagerduty.com', { reqheaders: { authorization: 'Token token=pd-token', accept: /application\/vnd\.pagerduty\+json;version=2/ } })
      .get('/oncalls')
      .query({ 'schedule_ids[]': 'PSCHED01', 'include[]': 'users', earliest: 'true' })
      .reply(200, pagerdutyOncalls('Earline@Example.com', shiftEnd));
    const source = schedules(clock);
    const first = { users: ['U0EARLINE1'], until: shiftEnd.toISOString() };
    expect(await source.onCall({ kind: 'pagerduty', name: 'PSCHED01' }, clock.now())).toEqual(first);
    api.done();

    clock.advance(30_000); // within cacheFor and the shift: no call (nock would refuse one)
    expect(await source.onCall({ kind: 'pagerduty', name: 'PSCHED01' }, clock.now())).toEqual(first);

    clock.advance(20_000); // the shift ended: asked again although the answer is 50 s old
    const nextEnd = new Date(t0.getTime() + 86_400_000);
    const again = nock('https://api.pagerduty.com').get('/oncalls').query(true).reply(200, pagerdutyOncalls('kim@example.com', nextEnd));
    expect(await source.onCall({ kind: 'pagerduty', name: 'PSCHED01' }, clock.now())).toEqual({ users: ['U0KIM00001'], until: nextEnd.toISOString() });
    again.done();

    const fetchedAt = clock.now().toISOString();
    clock.advance(61_000);
    const down = nock('https://api.pagerduty.com').get('/oncalls').query(true).reply(503, { error: { message: 'Service Unavailable' } });
    const stale = await source.onCall({ kind: 'pagerduty', name: 'PSCHED01' }, clock.now());
    down.done();
    expect(stale).toEqual({ users: ['U0KIM00001'], stale: { knownAt: fetchedAt, error: 'PagerDuty: answered HTTP 503' } });
    expect(slack.called('users.lookupByEmail').map((c) => c.body.email)).toEqual(['earline@example.com', 'kim@example.com']);
  });

  it('Opsgenie: asks by schedule name, flat, at the given time; an unknown email pages nobody; down with no earlier answer is stale and empty', async () => {
    const clock = fixedClock(new Date(Date.UTC(2030, 0, 1, 12)));
    const api = nock('https://api.opsgenie.com', { reqheaders: { authorization: 'GenieKey og-key' } })
      .get('/v2/schedules/platform_schedule/on-calls')
      .query({ scheduleIdentifierType: 'name', flat: 'true', date: '2030-01-01T12:00:00Z' })
      .reply(200, opsgenieOnCalls(['ops@example.com', 'nobody@example.com']));
    expect(await schedules(clock).onCall({ kind: 'opsgenie', name: 'platform_schedule' }, clock.now())).toEqual({ users: ['U0OPSUSER1'] });
    api.done();

    nock('https://api.opsgenie.com').get(/.*/).replyWithError('connect ECONNREFUSED');
    const answer = await schedules(clock).onCall({ kind: 'opsgenie', name: 'other' }, clock.now());
    expect(answer.users).toEqual([]);
    expect(answer.stale?.knownAt).toBeUndefined();
    expect(answer.stale?.error).toContain('Opsgenie: unreachable');
  });

  it('an unexpected answer is a provider failure, not an empty schedule', async () => {
    const clock = fixedClock(new Date(Date.UTC(2030, 0, 1)));
    nock('https://api.pagerduty.com').get('/oncalls').query(true).reply(200, { schedules: [] });
    const answer = await schedules(clock).onCall({ kind: 'pagerduty', name: 'PSCHED01' }, clock.now());
    expect(answer.stale?.error).toContain('PagerDuty: unexpected answer');
  });
});

describe('external schedules in escalation levels', () => {
  let bot: Bot;
  afterEach(async () => {
    await bot.close();
    nock.cleanAll();
  });

  it('pages the PagerDuty and Opsgenie on-calls; when PagerDuty is down the last known on-call is paged and the channel says so', async () => {
    const config = `
oncall:
  cacheFor: 0s
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0s, notify: ["pagerduty:PSCHED01"] }
      - { after: 1h, notify: ["pagerduty:PSCHED01", "opsgenie:platform_schedule"] }
`;
    let pagerdutyDown = false;
    nock('https://api.pagerduty.com')
      .persist()
      .get('/oncalls')
      .query(true)
      .reply(() => (pagerdutyDown ? [500, {}] : [200, pagerdutyOncalls('earline@example.com', new Date(Date.now() + 3_600_000))]));
    nock('https://api.opsgenie.com').persist().get('/v2/schedules/platform_schedule/on-calls').query(true).reply(200, opsgenieOnCalls(['ops@example.com']));
    bot = await startBot({ config, env: { PAGERDUTY_TOKEN: 'pd-token', OPSGENIE_TOKEN: 'og-key' } });
    lookupByEmail(bot.slack);
    const channel = await startIncident(bot);

    await waitFor('level 1 DM to the PagerDuty on-call', () => dmsTo(bot.slack, 'U0EARLINE1').length === 1);
    const board = answerText(await command(bot, 'oncall', 'C0ELSEWHERE'));
    expect(board).toMatch(/PagerDuty schedule PSCHED01\*: <@U0EARLINE1> until <!date\^\d+\^[^|]+\|[^>]+> \((59|60) minutes\)/);
    expect(board).toContain('*Opsgenie schedule platform_schedule*: <@U0OPSUSER1>');
    pagerdutyDown = true;
    expect(answerText(await command(bot, 'escalate', channel))).toContain('level 2');
    await waitFor('level 2 DMs', () => dmsTo(bot.slack, 'U0EARLINE1').length === 2 && dmsTo(bot.slack, 'U0OPSUSER1').length === 1);
    await waitFor('stale notice', () => postsContaining(bot.slack, channel, 'could not be asked').length === 1);
    const notice = String(postsContaining(bot.slack, channel, 'could not be asked')[0]!.body.text);
    expect(notice).toContain('PagerDuty schedule `PSCHED01` could not be asked (PagerDuty: answered HTTP 500); paging the last known on-call');
    // the channel line of level 2 names the people paged, not the schedule
    await waitFor('level 2 line', () => postsContaining(bot.slack, channel, 'Escalated to level 2').length === 1);
    const line = String(postsContaining(bot.slack, channel, 'Escalated to level 2')[0]!.body.text);
    expect(line).toContain('<@U0EARLINE1>');
    expect(line).toContain('<@U0OPSUSER1>');
  });
});
