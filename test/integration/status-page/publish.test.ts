import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { STATUS_PAGE_BLOCKS as SB } from '../../../src/blocks/status-page-ids';
import { FORM, postSigned, selectValue, slashCommand, textValue, viewSubmission } from '../../helpers/slack';
import { modalField, nock, openedHandled, pressPublish, publishButtons, startCustomerFacing, STATUSPAGE_API, statusJson, submitPublish } from './helpers';

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
  payments:
    channel: "#payments-alerts"
statusPage:
  title: Acme status
  provider: statuspage
  pageId: page123
  apiKey: sp-key-1
  apiUrl: ${STATUSPAGE_API}/v1
  components: { checkout: cmp111 }
`;

describe('status page: proposals in Slack, publication only on a person’s click', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
  });
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  it('proposes Investigating, publishes the reviewed text to /status and Statuspage once, then proposes the next stages', async () => {
    const channel = await startCustomerFacing(h);
    await waitFor('proposal', () => publishButtons(h, channel).length === 1);
    const [proposal] = publishButtons(h, channel);
    expect(proposal!.label).toBe('Publish to status page');
    expect(JSON.parse(proposal!.value)).toEqual({ incidentId: 'INC-1', stage: 'investigating' });
    expect(proposal!.text).toContain('We are looking into a problem affecting checkout');

    // Nothing is public yet.
    expect((await statusJson(h)).incidents).toEqual([]);

    const modal = await pressPublish(h, channel, proposal!.value);
    expect(modal.callback_id).toBe('statuspage_publish');
    expect(modalField(modal, SB.stage)?.initial_option?.value).toBe('investigating');
    expect(modalField(modal, SB.text)?.initial_value).toBe(
      'Investigating — We are looking into a problem affecting checkout.\nWe will post an update at least every 30 minutes.',
    );

    const created = nock(STATUSPAGE_API)
      .post('/v1/pages/page123/incidents', (body) => {
        expect(body).toEqual({
          incident: {
            name: 'Checkout is failing',
            status: 'investigating',
            body: 'We are looking into <checkout> errors & timeouts.',
            component_ids: ['cmp111'],
            components: { cmp111: 'partial_outage' },
            deliver_notifications: true,
          },
        });
        return true;
      })
      .matchHeader('authorization', 'OAuth sp-key-1')
      .reply(201, { id: 'spinc9', status: 'investigating' });
    const component = nock(STATUSPAGE_API)
      .patch('/v1/pages/page123/components/cmp111', { component: { status: 'partial_outage' } })
      .matchHeader('authorization', 'OAuth sp-key-1')
      .reply(200, { id: 'cmp111', status: 'partial_outage' });

    const fields = { stage: 'investigating', title: 'Checkout is failing', text: 'We are looking into <checkout> errors & timeouts.' };
    expect((await submitPublish(h, modal, fields, 'V0PUB1')).status).toBe(200);
    // Slack resends the same submission: still one publication.
    expect((await submitPublish(h, modal, fields, 'V0PUB1')).status).toBe(200);

    await waitFor('confirmation in the channel', () => h.slack.postsTo(channel).some((p) => p.includes('published to the status page')));
    created.done();
    component.done();

    const published = await statusJson(h);
    expect(published.incidents).toHaveLength(1);
    expect(published.incidents[0]).toMatchObject({ id: 'INC-1', name: 'Checkout is failing', status: 'investigating' });
    expect(published.incidents[0]!.updates).toEqual([expect.objectContaining({ status: 'investigating', body: fields.text })]);
    expect(published.components).toEqual([
      { name: 'checkout', status: 'partial_outage', description: 'Partial outage' },
      { name: 'payments', status: 'operational', description: 'Operational' },
    ]);
    const confirmation = h.slack.postsTo(channel).find((p) => p.includes('published to the status page'))!;
    expect(confirmation).toContain('&lt;checkout&gt; errors &amp; timeouts');
    expect(h.slack.postsTo(channel).filter((p) => p.includes('published to the status page'))).toHaveLength(1);

    const timeline = await h.redis.lrange(`${h.prefix}:incident:INC-1:timeline`, 0, -1);
    const entry = timeline.map((t) => JSON.parse(t) as { kind: string; actor: string; text: string }).find((t) => t.kind === 'statuspage');
    expect(entry).toMatchObject({ actor: 'U0COMMS' });
    expect(entry!.text).toContain('Investigating');

    // An update naming the cause proposes Identified; its publication PATCHes the same Statuspage incident.
    await postSigned(h.url, slashCommand({ text: 'update', channel_id: channel }), FORM);
    await waitFor('update modal', () => h.slack.called('views.open').some((c) => (c.body.view as { callback_id: string }).callback_id === 'incident_update'));
    const updateModal = h.slack.called('views.open').find((c) => (c.body.view as { callback_id: string }).callback_id === 'incident_update')!.body.view as { private_metadata: string };
    await postSigned(
      h.url,
      viewSubmission({
        callbackId: 'incident_update',
        privateMetadata: updateModal.private_metadata,
        values: { status: selectValue('Identified'), root_cause: textValue('Bad config'), action_taken: textValue('Rolling back'), next_update: textValue('in 20 minutes') },
      }),
      FORM,
    );
    await waitFor('identified proposal', () => publishButtons(h, channel).length === 2);
    const identified = publishButtons(h, channel)[1]!;
    expect(JSON.parse(identified.value)).toEqual({ incidentId: 'INC-1', stage: 'identified' });
    expect(identified.text).toContain('We know what is causing the problem with checkout');

    const identifiedModal = await pressPublish(h, channel, identified.value);
    expect(modalField(identifiedModal, SB.title)?.initial_value).toBe('Checkout is failing');
    const patched = nock(STATUSPAGE_API)
      .patch('/v1/pages/page123/incidents/spinc9', (body: { incident: { status: string; body: string } }) => body.incident.status === 'identified' && body.incident.body.includes('fixing'))
      .reply(200, { id: 'spinc9' });
    const component2 = nock(STATUSPAGE_API).patch('/v1/pages/page123/components/cmp111', { component: { status: 'partial_outage' } }).reply(200, {});
    const identifiedText = modalField(identifiedModal, SB.text)!.initial_value!;
    await submitPublish(h, identifiedModal, { stage: 'identified', title: 'Checkout is failing', text: identifiedText }, 'V0PUB2');
    await waitFor('identified published', async () => (await statusJson(h)).incidents[0]?.status === 'identified');
    await waitFor('identified provider calls', () => patched.isDone() && component2.isDone());
    expect((await statusJson(h)).incidents[0]!.updates.map((u) => u.status)).toEqual(['identified', 'investigating']);
  });

  it('an incident not marked customer-facing gets no proposal, and /incident statuspage still opens the review', async () => {
    const channel = await startCustomerFacing(h, { customerFacing: false });
    await openedHandled(h, 'INC-1');
    await postSigned(h.url, slashCommand({ text: 'statuspage identified', channel_id: channel }), FORM);
    await waitFor('review modal', () => h.slack.called('views.open').length === 1);
    const view = h.slack.called('views.open')[0]!.body.view as { callback_id: string; blocks: { block_id?: string; element?: { initial_option?: { value: string }; initial_value?: string } }[] };
    expect(view.callback_id).toBe('statuspage_publish');
    expect(view.blocks.find((b) => b.block_id === SB.stage)?.element?.initial_option?.value).toBe('identified');
    // Pre-filled with the runbook's Identified text for review.
    expect(view.blocks.find((b) => b.block_id === SB.text)?.element?.initial_value).toMatch(/^Identified — We know what is causing the problem with checkout and are fixing it\./);
    expect(publishButtons(h, channel)).toEqual([]);
    expect((await statusJson(h)).incidents).toEqual([]);
  });

  it('a bad stage in /incident statuspage gets usage, not a modal', async () => {
    const channel = await startCustomerFacing(h, { customerFacing: false });
    const answer = await postSigned(h.url, slashCommand({ text: 'statuspage fixed', channel_id: channel }), FORM);
    expect(answer.text).toContain('Usage: `/incident statuspage [investigating|identified|resolved]`');
    expect(h.slack.called('views.open')).toHaveLength(0);
  });

  it('an empty public text is a field error and publishes nothing', async () => {
    const channel = await startCustomerFacing(h);
    await waitFor('proposal', () => publishButtons(h, channel).length === 1);
    const modal = await pressPublish(h, channel, publishButtons(h, channel)[0]!.value);
    const answer = await submitPublish(h, modal, { stage: 'investigating', title: 'Checkout', text: '   ' }, 'V0EMPTY');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ response_action: 'errors', errors: { [SB.text]: expect.any(String) } });
    expect((await statusJson(h)).incidents).toEqual([]);
  });
});
