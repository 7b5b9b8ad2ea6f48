import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { startIncidentViaSlack } from '../../helpers/incidents';
import { FORM, postSigned, slashCommand } from '../../helpers/slack';
import { dmsTo, press } from '../escalation/helpers';

const CONFIG = `
announcements: "#incidents"
services:
  checkout:
    channel: "#checkout-alerts"
    responders: [U0RESP1, S0ONCALL]
    escalation:
      - { after: 0m, notify: [U0ONCALL] }
      - { after: 1h, notify: [U0LEAD] }
`;

const MEMBERS = [
  { id: 'U0ALICE', name: 'alice', profile: { display_name: 'Alice A' } },
  { id: 'U0BOBBY', name: 'bob', deleted: true, profile: { display_name: 'bobby' } },
  { id: 'U0CAROL', name: 'carol.c', profile: { display_name: 'carol' } },
];

describe('what Slack sends, taken as Slack really sends it', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
    h.slack.on('usergroups.users.list', (call) => (call.body.usergroup === 'S0ONCALL' ? { ok: true, users: ['U0GROUPIE'] } : undefined));
    // users.list in two pages, as Slack paginates it
    h.slack.on('users.list', (call) =>
      call.body.cursor === 'page2'
        ? { ok: true, members: MEMBERS.slice(1), response_metadata: { next_cursor: '' } }
        : { ok: true, members: MEMBERS.slice(0, 1), response_metadata: { next_cursor: 'page2' } },
    );
  });
  afterEach(() => h.close());

  const command = (text: string, channelId = 'C0GENERAL', userId = 'U0REPORTER') =>
    postSigned(h.url, slashCommand({ text, channel_id: channelId, user_id: userId }), FORM);
  const textOf = (answer: { json: unknown }) => JSON.stringify(answer.json);
  /** A command acknowledged at once whose answer comes through response_url. */
  async function later(text: string, channelId: string): Promise<string> {
    const before = h.slack.responses.length;
    const answer = await command(text, channelId);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    await waitFor(`answer to ${text}`, () => h.slack.responses.length > before);
    return JSON.stringify(h.slack.responses.slice(before).map((r) => r.body));
  }

  it('refuses a request signed more than 5 minutes in the future (401, nothing runs); within 5 minutes is fine', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = slashCommand({ text: 'list' });
    const future = await postSigned(h.url, body, FORM, { timestamp: now + 6 * 60 });
    const farFuture = await postSigned(h.url, slashCommand({ text: 'list' }), FORM, { timestamp: now + 365 * 24 * 3600 });
    expect([future.status, farFuture.status]).toEqual([401, 401]);
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    const slightlyAhead = await postSigned(h.url, slashCommand({ text: 'list' }), FORM, { timestamp: now + 4 * 60 });
    expect(slightlyAhead.status).toBe(200);
    expect(textOf(slightlyAhead)).toContain('No open incidents');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])('/incident %s is an unknown word: the help, never an error', async (word) => {
    const answer = await command(`${word} x`);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(answer)).toContain(`I don't know`);
    expect(textOf(answer)).toContain('/incident start');
    expect(textOf(answer)).not.toContain('Something went wrong');
  });

  it('/incident with outside text in the answer shows it as text, not markup', async () => {
    const answer = await command('<!channel> <@U0EVIL>');
    expect(textOf(answer)).toContain('&lt;!channel&gt;');
    expect(textOf(answer)).not.toContain('<!channel>');
  });

  describe('/incident ic', () => {
    let channel: string;
    beforeEach(async () => {
      channel = await startIncidentViaSlack(h, { service: 'checkout' });
    });

    it('takes the escaped forms Slack sends with should_escape: <@U…|name> and <@U…>', async () => {
      expect(textOf(await command('ic <@U0NEWIC|dana>', channel))).toContain('<@U0NEWIC> is now the incident commander of INC-1');
      await waitFor('commander line', () => h.slack.postsTo(channel).some((p) => p.includes('<@U0NEWIC> is now the incident commander')));
      expect(textOf(await command('ic <@W0OTHER>', channel))).toContain('<@W0OTHER> is now the incident commander');
      expect(h.slack.called('users.list')).toEqual([]);
    });

    it('resolves a plain @name (username or display name) with users.list, across pages', async () => {
      expect(await later('ic @alice', channel)).toContain('<@U0ALICE> is now the incident commander of INC-1');
      expect(await later('ic @carol', channel)).toContain('<@U0CAROL> is now the incident commander of INC-1');
      expect(h.slack.called('users.list').map((c) => c.body.cursor ?? 'first')).toEqual(['first', 'first', 'page2']);
      expect(textOf(await command('status', channel))).toContain('Commander: <@U0CAROL>');
    });

    it('refuses a name nobody has (or a deactivated one) with a clear message, changing nothing', async () => {
      const unknown = await later('ic @nobody', channel);
      expect(unknown).toContain("I can't find a Slack user called @nobody; nothing changed");
      expect(unknown).toContain('"response_type":"ephemeral"');
      expect(await later('ic @bob', channel)).toContain("I can't find a Slack user called @bob");
      expect(await later('ic alice', channel)).toContain('Usage: `/incident ic @user`');
      expect(textOf(await command('status', channel))).toContain('Commander: <@U0REPORTER>');
    });
  });

  describe('escalation buttons answer only the people paged and the responders', () => {
    let levelOne: Parameters<typeof press>[1];
    beforeEach(async () => {
      await startIncidentViaSlack(h, { service: 'checkout', severity: 'P2', userId: 'U0REPORTER' });
      await waitFor('level 1 DM', () => dmsTo(h.slack, 'U0ONCALL').length === 1);
      levelOne = dmsTo(h.slack, 'U0ONCALL')[0]!;
    });

    const timeline = async () => textOf(await command('timeline', 'C0INC1'));

    it('someone else gets a private refusal and nothing changes (no ack, no escalation, no invite); the refusal is on the timeline', async () => {
      const invitesBefore = h.slack.called('conversations.invite').length;
      for (const button of ['Acknowledge', 'Escalate now', 'Join channel']) {
        expect(await press(h, levelOne, button, 'U0STRANGER')).toContain('Only the people paged for this incident');
      }
      // the level-2 person may not act on a level-1 message either
      expect(await press(h, levelOne, 'Escalate now', 'U0LEAD')).toContain('Only the people paged');
      expect(h.slack.called('conversations.invite')).toHaveLength(invitesBefore);
      expect(dmsTo(h.slack, 'U0LEAD')).toHaveLength(0);
      const status = await timeline();
      expect(status).toContain('Refused Acknowledge (level 1)');
      expect(status).toContain('Refused Escalate now (level 1)');
      expect(status).not.toContain('Acknowledged escalation level 1');
      expect(textOf(await command('ack', 'C0INC1'))).toContain('You acknowledged escalation level 1');
    });

    it('the paged person, a responder and a member of a responder group may', async () => {
      expect(await press(h, levelOne, 'Join channel', 'U0RESP1')).toContain('You are in <#C0INC1>');
      expect(await press(h, levelOne, 'Join channel', 'U0GROUPIE')).toContain('You are in <#C0INC1>');
      expect(await press(h, levelOne, 'Acknowledge', 'U0ONCALL')).toContain('You acknowledged escalation level 1 of INC-1');
      expect(await press(h, levelOne, 'Escalate now', 'U0RESP1')).toContain('Escalating INC-1 to level 2 now');
      await waitFor('level 2 DM', () => dmsTo(h.slack, 'U0LEAD').length === 1);
    });
  });
});
