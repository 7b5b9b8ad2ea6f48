import { INCIDENT_ACTIONS, INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { RUNBOOK_ACTIONS, RUNBOOK_CHECKS_BLOCK } from '../../../src/blocks/runbook-ids';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { startIncidentViaSlack } from '../../helpers/incidents';
import { blockAction, FORM, postSigned, slashCommand, viewSubmission } from '../../helpers/slack';
import { postWebhook, recentFixture } from '../../helpers/webhooks';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    runbook: recent-deployment-issue
`;

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { type: string; action_id?: string; text?: { text: string }; value?: string; options?: { value: string; text: { text: string } }[] }[];
}

const cardIn = (h: Harness, channel: string) =>
  h.slack.called('chat.postMessage').find((c) => c.body.channel === channel && String(c.body.text).startsWith('Runbook:'));

describe('the runbook card where responders are', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
  });
  afterEach(() => h.close());

  it('an incident opened from an error-rate alert gets the card: recommendation, diagnosis, ranked causes, first checks, plan, criteria', async () => {
    await postWebhook(h.url, 'deploy', { ...recentFixture('deploy/blue-green-succeeded.json'), timestamp: minutesAgo(10) });
    const alert = { service: 'checkout', name: 'HighErrorRate', severity: 'critical', startsAt: minutesAgo(1), summary: '5xx rate 7%', fingerprint: 'rb-fp-1', value: 0.07, labels: { endpoint: '*' } };
    await postWebhook(h.url, 'alert', alert);
    await waitFor('alert card', () => h.slack.postsTo('#checkout-alerts').length === 1);
    // The alert card already says it: above 5 % with no known cause.
    expect(h.slack.postsTo('#checkout-alerts')[0]).toContain('Errors are above 5 % and the cause is unknown: roll back first');

    const start = { type: 'button', action_id: INCIDENT_ACTIONS.startFromAlert, block_id: 'alert_card_actions', value: JSON.stringify({ service: 'checkout', fingerprint: 'rb-fp-1' }) };
    await postSigned(h.url, blockAction({ channelId: 'C0CHECKOUT', action: start, userId: 'U0ONCALL' }), FORM);
    await waitFor('start modal', () => h.slack.called('views.open').length === 1);
    const view = h.slack.called('views.open')[0]!.body.view as { private_metadata: string };
    await postSigned(
      h.url,
      viewSubmission({
        callbackId: INCIDENT_VIEWS.start,
        privateMetadata: view.private_metadata,
        userId: 'U0ONCALL',
        values: {
          [B.title]: { value: { type: 'plain_text_input', value: 'HighErrorRate on checkout' } },
          [B.severity]: { value: { type: 'static_select', selected_option: { value: 'P1' } } },
          [B.service]: { value: { type: 'static_select', selected_option: { value: 'checkout' } } },
          [B.impact]: { value: { type: 'plain_text_input', value: 'Errors' } },
        },
      }),
      FORM,
    );
    await waitFor('runbook card', () => cardIn(h, 'C0INC1') !== undefined);
    const card = cardIn(h, 'C0INC1')!;
    const text = JSON.stringify(card.body.blocks);
    expect(card.body.text).toBe('Runbook: Trouble right after a deploy — Errors are above 5 % and the cause is unknown: roll back first, diagnose on the previous version.');
    expect(text).toContain('Every endpoint failed at once');
    const blocks = card.body.blocks as Block[];
    const causes = blocks.find((b) => b.text?.text.startsWith('*Likely causes*'))!.text!.text.split('\n').slice(1);
    // The reading's cause ranks first, then the runbook's own list.
    expect(causes[0]).toMatch(/^1\. The app cannot start/);
    const readings = blocks.find((b) => b.text?.text.startsWith('*Quick diagnosis*'))!.text!.text.split('\n').slice(1);
    expect(causes.findIndex((c) => c.endsWith('A bug shipped in the new code.'))).toBe(readings.length);
    const checks = blocks.find((b) => b.block_id === RUNBOOK_CHECKS_BLOCK)!.elements![0]!;
    expect(checks.type).toBe('checkboxes');
    expect(checks.options!.map((o) => o.text.text)).toEqual([
      'Note when the deploy finished and when the first symptom appeared',
      'Call it a strong link when the gap is under 30 minutes, a possible one up…',
      'Read the diff between the previous and the new version',
      'Check configuration, dependency bumps and migrations shipped with it',
      'List the feature flags the release turned on',
    ]);
    expect(checks.options!.every((o) => o.text.text.length <= 75)).toBe(true);
    expect((checks.options![1] as { description?: { text: string } }).description?.text).toBe('…to 2 hours');
    expect(text).toContain('*Rollback plan*');
    expect(text).toContain('Know the previous version before you touch anything');
    expect(text).toContain('*Success criteria*');
    const showAll = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === RUNBOOK_ACTIONS.showAll)!;
    expect(showAll.text!.text).toBe('Show all');

    // Show all: the whole runbook in a modal.
    await postSigned(h.url, blockAction({ channelId: 'C0INC1', action: { type: 'button', action_id: RUNBOOK_ACTIONS.showAll, block_id: 'x', value: showAll.value } }), FORM);
    await waitFor('show all modal', () => h.slack.called('views.open').length === 2);
    const modal = JSON.stringify(h.slack.called('views.open')[1]!.body.view);
    for (const heading of ['Likely causes', 'Investigate', 'Mitigate', 'Rollback plan', 'Success criteria', 'After the incident']) expect(modal).toContain(heading);

    // Ticking a first check lands on the timeline with who ticked it.
    await postSigned(
      h.url,
      blockAction({ channelId: 'C0INC1', userId: 'U0LEAD', action: { type: 'checkboxes', action_id: RUNBOOK_ACTIONS.checkToggle, block_id: RUNBOOK_CHECKS_BLOCK, selected_options: [{ value: 's2' }] } }),
      FORM,
    );
    await waitFor('timeline entry', async () =>
      (await h.redis.lrange(`${h.prefix}:{incident:INC-1}:timeline`, 0, -1)).some((e) => e.includes('U0LEAD') && e.includes('Read the diff between the previous and the new version')),
    );
  });

  it('/incident runbook posts for everyone, --me privately, list shows the ids, an unknown id says which exist', async () => {
    const channel = await startIncidentViaSlack(h, { service: 'checkout' });
    await waitFor('opening card', () => cardIn(h, channel) !== undefined);
    const before = h.slack.called('chat.postMessage').length;

    const posted = await postSigned(h.url, slashCommand({ text: 'runbook deployment-rollback', channel_id: channel }), FORM);
    expect(posted.status).toBe(200);
    await waitFor('card in channel', () => h.slack.called('chat.postMessage').length === before + 1);
    const card = h.slack.called('chat.postMessage').at(-1)!;
    expect(card.body.channel).toBe(channel);
    expect(String(card.body.text)).toMatch(/^Runbook: /);
    expect(JSON.stringify(card.body.blocks)).toContain('deployment-rollback');
    // No recommendation without an alert that says so.
    expect(JSON.stringify(card.body.blocks)).not.toContain('Recommendation');

    const mine = await postSigned(h.url, slashCommand({ text: 'runbook --me', channel_id: channel }), FORM);
    expect(mine.json).toMatchObject({ response_type: 'ephemeral', text: 'Runbook: Trouble right after a deploy' });
    expect(h.slack.called('chat.postMessage').length).toBe(before + 1);

    const list = await postSigned(h.url, slashCommand({ text: 'runbook list', channel_id: channel }), FORM);
    for (const id of ['recent-deployment-issue', 'deployment-rollback', 'deployment', 'high-error-rate-after-deploy', 'incident-response']) {
      expect(JSON.stringify(list.json)).toContain(`\`${id}\``);
    }
    const unknown = await postSigned(h.url, slashCommand({ text: 'runbook nope', channel_id: channel }), FORM);
    expect(JSON.stringify(unknown.json)).toContain('No runbook \\"nope\\"');
  });
});
