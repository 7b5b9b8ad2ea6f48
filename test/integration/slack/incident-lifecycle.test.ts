import { INCIDENT_ACTIONS, INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { redisKeys } from '../../../src/lib/keys';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { startIncidentViaSlack } from '../../helpers/incidents';
import { blockAction, FORM, postSigned, selectValue, slashCommand, textValue, userValue, viewSubmission } from '../../helpers/slack';

const CONFIG = `
announcements: "#incidents"
services:
  checkout:
    channel: "#checkout-alerts"
    responders: [U0RESP1]
    escalation:
      - { after: 0m, notify: [U0ONCALL, S0ONCALL] }
      - { after: 30m, notify: [U0LEAD] }
`;

describe('incident lifecycle through POST /slack/events', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
    h.slack.on('usergroups.users.list', (call) => (call.body.usergroup === 'S0ONCALL' ? { ok: true, users: ['U0ONCALL2', 'U0ONCALL'] } : undefined));
  });
  afterEach(() => h.close());

  const command = (text: string, extra: Parameters<typeof slashCommand>[0] extends infer T ? Partial<T> : never = {}) =>
    postSigned(h.url, slashCommand({ text, ...extra }), FORM);

  async function startIncident(viewId = 'V0START1') {
    const opened = await command('start Checkout 500s after deploy');
    expect(opened.status).toBe(200);
    await waitFor('views.open', () => h.slack.called('views.open').length > 0);
    const modal = h.slack.called('views.open')[0]!.body.view as { callback_id: string; blocks: { block_id: string; element: { initial_value?: string } }[] };
    expect(modal.callback_id).toBe(INCIDENT_VIEWS.start);
    expect(modal.blocks.find((b) => b.block_id === B.title)?.element.initial_value).toBe('Checkout 500s after deploy');

    const submitted = await postSigned(
      h.url,
      viewSubmission({
        callbackId: INCIDENT_VIEWS.start,
        viewId,
        privateMetadata: JSON.stringify({ channelId: 'C0GENERAL' }),
        values: {
          [B.title]: textValue('Checkout 500s after deploy'),
          [B.severity]: selectValue('P1'),
          [B.service]: selectValue('checkout'),
          [B.impact]: textValue('30% of checkouts fail with 500'),
          [B.commander]: userValue('U0REPORTER'),
        },
      }),
      FORM,
    );
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe('');
    await waitFor('announcement', () => h.slack.postsTo('#incidents').length > 0);
  }

  it('start → update → resolve posts the templates, pins, invites and announces', async () => {
    await startIncident();
    // The channel is named after the incident's own start date (UTC), whatever the day the test runs.
    const incident = await new RedisIncidentStore(h.redis, redisKeys(h.prefix)).get('INC-1');
    const startedOn = incident!.createdAt.slice(0, 10).replace(/-/g, '');

    const created = h.slack.called('conversations.create');
    expect(created).toHaveLength(1);
    expect(created[0]!.body.name).toBe(`inc-${startedOn}-checkout-500s-after-deploy`);

    const invite = h.slack.called('conversations.invite')[0]!.body;
    expect(invite.channel).toBe('C0INC1');
    expect(String(invite.users).split(',').sort()).toEqual(['U0ONCALL', 'U0ONCALL2', 'U0REPORTER']);

    expect(String(h.slack.called('conversations.setTopic')[0]!.body.topic)).toContain('P1');

    const [initial] = h.slack.postsTo('C0INC1');
    expect(initial).toContain('checkout');
    expect(initial).toContain('Checkout 500s after deploy');
    expect(initial).toContain('P1');
    expect(initial).toContain('30% of checkouts fail with 500');
    expect(initial).toContain('<@U0REPORTER>');
    expect(h.slack.called('pins.add')[0]!.body).toMatchObject({ channel: 'C0INC1', timestamp: expect.any(String) });

    const [announcement] = h.slack.postsTo('#incidents');
    expect(announcement).toContain('<#C0INC1>');
    expect(announcement).toContain('Checkout 500s after deploy');

    // the runbook card follows the Initial message
    await waitFor('runbook card', () => h.slack.postsTo('C0INC1').length === 2);
    expect(h.slack.postsTo('C0INC1')[1]).toContain('Runbook: Trouble right after a deploy');

    // update, from inside the incident channel
    await command('update', { channel_id: 'C0INC1' });
    await waitFor('update modal', () => h.slack.called('views.open').length === 2);
    const updateModal = h.slack.called('views.open')[1]!.body.view as { callback_id: string; private_metadata: string };
    expect(updateModal.callback_id).toBe(INCIDENT_VIEWS.update);
    const updated = await postSigned(
      h.url,
      viewSubmission({
        callbackId: INCIDENT_VIEWS.update,
        privateMetadata: updateModal.private_metadata,
        values: {
          [B.status]: selectValue('Identified'),
          [B.rootCause]: textValue('Bad config in v1.2.3'),
          [B.actionTaken]: textValue('Rolled back to v1.2.2'),
          [B.nextUpdate]: textValue('in 15 minutes'),
        },
      }),
      FORM,
    );
    expect(updated.status).toBe(200);
    await waitFor('update message', () => h.slack.postsTo('C0INC1').length === 3);
    const update = h.slack.postsTo('C0INC1')[2]!;
    for (const field of ['Identified', 'Bad config in v1.2.3', 'Rolled back to v1.2.2', 'in 15 minutes']) expect(update).toContain(field);

    // resolve
    await command('resolve', { channel_id: 'C0INC1' });
    await waitFor('resolve modal', () => h.slack.called('views.open').length === 3);
    const resolveModal = h.slack.called('views.open')[2]!.body.view as { private_metadata: string };
    await postSigned(
      h.url,
      viewSubmission({
        callbackId: INCIDENT_VIEWS.resolve,
        privateMetadata: resolveModal.private_metadata,
        values: {
          [B.rootCause]: textValue('PAYMENT_SERVICE_URL renamed'),
          [B.userImpact]: textValue('30% of checkouts failed for 20 minutes'),
          [B.followUp]: textValue('Postmortem on Tuesday'),
        },
      }),
      FORM,
    );
    await waitFor('resolution and checklist', () => h.slack.postsTo('C0INC1').length === 5);
    const [, , , resolution, checklist] = h.slack.postsTo('C0INC1');
    for (const field of ['PAYMENT_SERVICE_URL renamed', '30% of checkouts failed for 20 minutes', 'Postmortem on Tuesday']) expect(resolution).toContain(field);
    expect(resolution).toMatch(/Duration|duration/);
    expect(checklist).toContain('checkboxes');

    // tick two checklist items: saved and on the timeline
    const checklistBlock = (h.slack.called('chat.postMessage')
      .filter((c) => c.body.channel === 'C0INC1')[4]!.body.blocks as { type: string; elements?: { options: { value: string }[] }[] }[])
      .find((b) => b.type === 'actions')!;
    const [first, second] = checklistBlock.elements![0]!.options;
    const ticked = await postSigned(
      h.url,
      blockAction({
        channelId: 'C0INC1',
        userId: 'U0LEAD',
        action: { type: 'checkboxes', action_id: INCIDENT_ACTIONS.checklistToggle, block_id: B.checklist, selected_options: [first, second] },
      }),
      FORM,
    );
    expect(ticked.status).toBe(200);
    await waitFor('checklist saved', async () => (await h.redis.scard(`${h.prefix}:{incident:INC-1}:checklist`)) === 2);

    // the timeline has everything, with who
    const timeline = await command('timeline', { channel_id: 'C0INC1' });
    const text = JSON.stringify(timeline.json);
    for (const expected of ['Incident opened', 'Update #1', 'Resolved', 'Checked', '<@U0LEAD>', '<@U0REPORTER>']) expect(text).toContain(expected);
  });

  it('a Slack retry of the same submission opens one incident and posts once', async () => {
    const body = viewSubmission({
      callbackId: INCIDENT_VIEWS.start,
      viewId: 'V0RETRY',
      values: {
        [B.title]: textValue('Payments slow'),
        [B.severity]: selectValue('P2'),
        [B.impact]: textValue('Slow payments'),
        [B.commander]: userValue(null),
      },
    });
    const first = await postSigned(h.url, body, FORM);
    const retry = await postSigned(h.url, body, FORM, { retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await waitFor('initial message', () => h.slack.called('pins.add').length === 1);
    // a second submission of the same view (double click) is also one incident
    const again = viewSubmission({
      callbackId: INCIDENT_VIEWS.start,
      viewId: 'V0RETRY',
      values: { [B.title]: textValue('Payments slow'), [B.severity]: selectValue('P2'), [B.impact]: textValue('Slow payments') },
    });
    await postSigned(h.url, again, FORM);
    const list = await command('list');
    expect((list.json as { text: string }).text).toContain('Open incidents (1)');
    expect(new Set(JSON.stringify(list.json).match(/INC-\d+/g))).toEqual(new Set(['INC-1']));
    expect(h.slack.called('conversations.create')).toHaveLength(1);
    await waitFor('runbook card', () => h.slack.postsTo('C0INC1').some((p) => p.includes('Runbook:')));
    expect(h.slack.called('chat.postMessage').filter((c) => c.body.channel !== '#incidents')).toHaveLength(2);
  });

  it('invalid modal input gets field errors and stores nothing', async () => {
    const response = await postSigned(
      h.url,
      viewSubmission({
        callbackId: INCIDENT_VIEWS.start,
        values: { [B.title]: textValue('   '), [B.impact]: textValue(''), [B.service]: selectValue('nope') },
      }),
      FORM,
    );
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      response_action: 'errors',
      errors: expect.objectContaining({ [B.title]: expect.any(String), [B.severity]: 'Pick a severity', [B.impact]: expect.any(String) }),
    });
    expect(await h.redis.keys(`${h.prefix}:{incident*`)).toEqual([]);
  });

  it('rejects a bad signature and a timestamp older than 5 minutes with 401, storing nothing', async () => {
    const body = viewSubmission({
      callbackId: INCIDENT_VIEWS.start,
      values: { [B.title]: textValue('x'), [B.severity]: selectValue('P1'), [B.impact]: textValue('y') },
    });
    const forged = await postSigned(h.url, body, FORM, { secret: 'wrong-secret' });
    const stale = await postSigned(h.url, body, FORM, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect([forged.status, stale.status]).toEqual([401, 401]);
    expect(await h.redis.keys(`${h.prefix}:{incident*`)).toEqual([]);
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('answers unknown subcommands and channel-only commands elsewhere with ephemeral help', async () => {
    const unknown = await command('frobnicate');
    expect(unknown.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining("I don't know `/incident frobnicate`") });
    const misplaced = await command('update', { channel_id: 'C0NOTINCIDENT' });
    expect(misplaced.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('works inside an incident channel') });
    const empty = await command('');
    expect(JSON.stringify(empty.json)).toContain('/incident start');
  });

  it('changes severity and commander, with status reflecting both', async () => {
    await startIncident('V0SEV');
    const severity = await command('severity p0', { channel_id: 'C0INC1' });
    expect(JSON.stringify(severity.json)).toContain('now P0');
    const bad = await command('severity P9', { channel_id: 'C0INC1' });
    expect(JSON.stringify(bad.json)).toContain('Usage');
    await command('ic <@U0LEAD|lead>', { channel_id: 'C0INC1' });
    const status = JSON.stringify((await command('status', { channel_id: 'C0INC1' })).json);
    expect(status).toContain('P0');
    expect(status).toContain('<@U0LEAD>');
    await waitFor('topic updated twice more', () => h.slack.called('conversations.setTopic').length === 3);
    expect(String(h.slack.called('conversations.setTopic')[2]!.body.topic)).toContain('<@U0LEAD>');
  });
});

describe('/incident postmortem', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
  });
  afterEach(() => h.close());

  it('uploads a Markdown draft built from the timeline to the incident channel', async () => {
    const channel = await startIncidentViaSlack(h, { title: 'Cart is empty', service: 'checkout' });
    await postSigned(h.url, slashCommand({ text: 'severity P0', channel_id: channel }), FORM);
    const answer = await postSigned(h.url, slashCommand({ text: 'postmortem', channel_id: channel }), FORM);
    expect(JSON.stringify(answer.json)).toContain('postmortem draft');
    await waitFor('upload completed', () => h.slack.called('files.completeUploadExternal').length === 1);
    const completed = h.slack.called('files.completeUploadExternal')[0]!.body;
    expect(completed.channel_id).toBe(channel);
    const [fileId] = [...h.slack.uploads.keys()];
    const markdown = h.slack.uploads.get(fileId!)!;
    expect(markdown).toContain('# Postmortem: Cart is empty (INC-1)');
    expect(markdown).toContain('| @U0REPORTER | Severity P1 → P0 |');
    expect(markdown).toContain('## Action items');
  });
});
