import { createHmac } from 'node:crypto';
import { STATUS_PAGE_BLOCKS as SB } from '../../../src/blocks/status-page-ids';
import { resolveIncidentViaSlack } from '../../helpers/incidents';
import { sleep, startHarness, waitFor, type Harness } from '../../helpers/harness';
import { contentWithStatusEvery, modalField, nock, pressPublish, publishButtons, startCustomerFacing, statusJson, submitPublish } from './helpers';

const HOOK = 'https://status-hook.test';
const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
statusPage:
  provider: webhook
  url: ${HOOK}/firebreak
  secret: hook-secret
`;

const EVERY_MS = 1500;

describe('status page reminders and the webhook provider', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: CONFIG, content: contentWithStatusEvery(EVERY_MS) });
  });
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  it('sends a signed JSON POST per publication, reminds when the public text is older than the cadence, and stops once resolved', async () => {
    const sent: { body: string; signature: string; key: string }[] = [];
    const hook = nock(HOOK)
      .persist()
      .post('/firebreak')
      .reply(function (_uri, body) {
        sent.push({ body: JSON.stringify(body), signature: String(this.req.headers['x-firebreak-signature']), key: String(this.req.headers['idempotency-key']) });
        return [204, ''];
      });
    const channel = await startCustomerFacing(h);
    await waitFor('proposal', () => publishButtons(h, channel).length === 1);
    const modal = await pressPublish(h, channel, publishButtons(h, channel)[0]!.value);
    await submitPublish(h, modal, { stage: 'investigating', title: 'Checkout trouble', text: modalField(modal, SB.text)!.initial_value! }, 'V0HOOK1');
    await waitFor('webhook call', () => sent.length === 1);

    const [first] = sent;
    const payload = JSON.parse(first!.body) as { type: string; incident: Record<string, unknown>; update: { stage: string }; components: unknown[] };
    expect(first!.signature).toBe(`sha256=${createHmac('sha256', 'hook-secret').update(first!.body).digest('hex')}`);
    expect(first!.key).toBe('V0HOOK1');
    expect(payload.type).toBe('status.published');
    expect(payload.update.stage).toBe('investigating');
    expect(payload.components).toEqual([{ service: 'checkout', state: 'partial_outage' }]);
    expect(payload.incident).not.toHaveProperty('providerIncidentId');

    // The public text ages past the cadence: a reminder with the button, in the incident channel.
    await waitFor('status page reminder', () => h.slack.postsTo(channel).some((p) => p.includes('The status page text is')), 10_000);
    const reminder = h.slack.postsTo(channel).find((p) => p.includes('The status page text is'))!;
    expect(reminder).toContain('Publish to status page');

    await resolveIncidentViaSlack(h, 'INC-1');
    await waitFor('resolved proposal', () => publishButtons(h, channel).some((b) => JSON.parse(b.value).stage === 'resolved'));
    const resolved = publishButtons(h, channel).find((b) => JSON.parse(b.value).stage === 'resolved')!;
    expect(resolved.text).toContain('is fixed and everything is working normally again');
    const reminders = () => h.slack.postsTo(channel).filter((p) => p.includes('The status page text is')).length;
    const remindersAtResolve = reminders();

    const resolvedModal = await pressPublish(h, channel, resolved.value);
    await submitPublish(h, resolvedModal, { stage: 'resolved', title: 'Checkout trouble', text: modalField(resolvedModal, SB.text)!.initial_value! }, 'V0HOOK2');
    await waitFor('resolved on the page', async () => (await statusJson(h)).incidents[0]?.status === 'resolved');
    const page = await statusJson(h);
    expect(page.components).toEqual([{ name: 'checkout', status: 'operational', description: 'Operational' }]);
    expect(page.status.indicator).toBe('operational');
    await waitFor('second webhook call', () => sent.length === 2);
    expect(JSON.parse(sent[1]!.body).components).toEqual([{ service: 'checkout', state: 'operational' }]);

    // No reminder fires into a resolved incident.
    await sleep(EVERY_MS * 2);
    expect(reminders()).toBe(remindersAtResolve);
    hook.persist(false);
  });

  it('a webhook that refuses (4xx) is said in the channel, not retried', async () => {
    const refused = nock(HOOK).post('/firebreak').reply(403, { message: 'bad signature' });
    const channel = await startCustomerFacing(h);
    await waitFor('proposal', () => publishButtons(h, channel).length === 1);
    const modal = await pressPublish(h, channel, publishButtons(h, channel)[0]!.value);
    await submitPublish(h, modal, { stage: 'investigating', title: 'Checkout trouble', text: 'Looking into it.' }, 'V0HOOK3');
    await waitFor('failure message', () => h.slack.postsTo(channel).some((p) => p.includes('Could not publish to the status page')));
    refused.done();
    expect(h.slack.postsTo(channel).find((p) => p.includes('Could not publish'))).toContain('bad signature');
    // Refused there means not public here either.
    expect((await statusJson(h)).incidents).toEqual([]);
  });
});
