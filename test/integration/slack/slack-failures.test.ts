import { redisKeys } from '../../../src/lib/keys';
import { RedisIncidentStore } from '../../../src/outbound/store/incident-store';
import { startHarness, sleep, waitFor, type Harness } from '../../helpers/harness';
import { resolveIncidentViaSlack, startIncidentViaSlack } from '../../helpers/incidents';
import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { FORM, postSigned, selectValue, slashCommand, textValue, viewSubmission } from '../../helpers/slack';
import { metricSum } from '../../helpers/metrics';

const CONFIG = `
announcements: "#incidents"
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0m, notify: [U0ONCALL] }
`;

/** Long enough for BullMQ's first two retries (1 s, then 2 s backoff) of a failed job to have run. */
const RETRIES_SETTLE_MS = 3500;

const metricValue = (h: Harness, name: string): Promise<number> => metricSum(h.url, name);

describe('Slack effects of incident events, each exactly once', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
  });
  afterEach(() => h.close());

  const postsContaining = (channel: string, text: string) => h.slack.postsTo(channel).filter((p) => p.includes(text));

  it('the announcements channel failing for good while resolving a P1: Resolution and checklist once, the failure told once', async () => {
    const channel = await startIncidentViaSlack(h, { title: 'Cart is empty', service: 'checkout', severity: 'P1' });
    await waitFor('announcement', () => h.slack.postsTo('#incidents').length === 1);
    // From now on the bot is not in #incidents (made private): every post there fails for good.
    h.slack.on('chat.postMessage', (call) => (call.body.channel === '#incidents' ? { ok: false, error: 'not_in_channel' } : undefined));

    await resolveIncidentViaSlack(h, 'INC-1');
    await waitFor('failure told in the incident channel', () => postsContaining(channel, 'not_in_channel').length > 0);
    await sleep(RETRIES_SETTLE_MS);

    const resolutionTitle = h.slack.postsTo(channel).filter((p) => p.includes('Bad config'));
    expect(resolutionTitle).toHaveLength(1);
    expect(postsContaining(channel, 'post_incident_checklist')).toHaveLength(1);
    expect(postsContaining(channel, 'not_in_channel')).toHaveLength(1);
    expect(postsContaining(channel, '#incidents')).toHaveLength(1);
    // asked once: a permanent error is not retried
    expect(h.slack.called('chat.postMessage').filter((c) => c.body.channel === '#incidents')).toHaveLength(2);
    expect(await metricValue(h, 'firebreak_slack_failed_for_good_total')).toBe(1);
  });

  it('a failure on the checklist after the Resolution went out posts the Resolution once', async () => {
    const channel = await startIncidentViaSlack(h, { title: 'Cart is empty', service: 'checkout' });
    let failures = 0;
    h.slack.on('chat.postMessage', (call) => {
      if (call.body.channel !== channel || !JSON.stringify(call.body).includes('post_incident_checklist') || failures > 0) return undefined;
      failures += 1;
      return { ok: false, error: 'internal_error' }; // transient: the job is retried
    });

    await resolveIncidentViaSlack(h, 'INC-1');
    // the fake records every request: the refused checklist, then the one the retry posted
    await waitFor('checklist after the retry', () => postsContaining(channel, 'post_incident_checklist').length === 2);
    await sleep(RETRIES_SETTLE_MS);
    expect(failures).toBe(1);
    expect(postsContaining(channel, 'Bad config')).toHaveLength(1);
    expect(postsContaining(channel, 'post_incident_checklist')).toHaveLength(2);
  });

  it('a severity change whose topic fails once posts the change once and sets the topic', async () => {
    const channel = await startIncidentViaSlack(h, { title: 'Cart is empty', service: 'checkout' });
    let failures = 0;
    h.slack.on('conversations.setTopic', () => (failures++ === 0 ? { ok: false, error: 'internal_error' } : undefined));

    await postSigned(h.url, slashCommand({ text: 'severity P2', channel_id: channel }), FORM);
    await waitFor('topic set after the retry', () => h.slack.called('conversations.setTopic').some((c) => String(c.body.topic).startsWith('P2')));
    await sleep(RETRIES_SETTLE_MS);
    expect(postsContaining(channel, 'Severity changed')).toHaveLength(1);
    expect(h.slack.called('conversations.setTopic').filter((c) => String(c.body.topic).startsWith('P2'))).toHaveLength(2); // failed, then done
  });

  it('a commander change in an archived channel is given up at once, counted, and holds nothing back', async () => {
    const channel = await startIncidentViaSlack(h, { title: 'Cart is empty', service: 'checkout' });
    // The opening's last post (the runbook card) is out before the channel is archived.
    const incidents = new RedisIncidentStore(h.redis, redisKeys(h.prefix));
    await waitFor('runbook card', async () => Boolean((await incidents.findByChannel(channel))?.publication.runbookCardTs));
    h.slack.on('conversations.setTopic', () => ({ ok: false, error: 'is_archived' }));
    h.slack.on('chat.postMessage', (call) => (call.body.channel === channel ? { ok: false, error: 'is_archived' } : undefined));

    await postSigned(h.url, slashCommand({ text: 'ic <@U0LEAD|lead>', channel_id: channel }), FORM);
    await waitFor('both steps given up', async () => (await metricValue(h, 'firebreak_slack_failed_for_good_total')) === 2);
    await sleep(RETRIES_SETTLE_MS);
    expect(h.slack.called('conversations.setTopic').filter((c) => String(c.body.topic).includes('U0LEAD'))).toHaveLength(1);
    expect(postsContaining(channel, 'incident commander')).toHaveLength(1);
    expect(await metricValue(h, 'firebreak_slack_failed_for_good_total')).toBe(2);
  });

  it('a channel Slack will not create is given up at once (not retried 15 times) and counted', async () => {
    h.slack.on('conversations.create', () => ({ ok: false, error: 'restricted_action' }));
    const values = { [B.title]: textValue('Cart is empty'), [B.severity]: selectValue('P2'), [B.impact]: textValue('Errors') };
    expect((await postSigned(h.url, viewSubmission({ callbackId: INCIDENT_VIEWS.start, values }), FORM)).status).toBe(200);
    await waitFor('the refusal counted', async () => (await metricValue(h, 'firebreak_slack_failed_for_good_total')) === 1);
    await sleep(RETRIES_SETTLE_MS);
    expect(h.slack.called('conversations.create')).toHaveLength(1);
    expect(await metricValue(h, 'firebreak_slack_failed_for_good_total')).toBe(1);
  });
});
