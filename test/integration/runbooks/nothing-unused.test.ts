import nock from 'nock';
import { DEFAULT_CONTENT_DIR, loadContent, type Content } from '../../../src/content';
import { contentItems, unreached, visibleText } from '../../helpers/content-walk';
import type { SlackCall } from '../../helpers/fake-slack';
import { sleep, startHarness, waitFor, type Harness } from '../../helpers/harness';
import { resolveIncidentViaSlack } from '../../helpers/incidents';
import { recordingEndpoint } from '../../helpers/recorder';
import { untilJobsFinished } from '../../helpers/remediation';
import { blockAction, FORM, postSigned, slashCommand } from '../../helpers/slack';
import { postWebhook } from '../../helpers/webhooks';
import { postUpdate } from '../escalation/helpers';
import { STATUS_PAGE_BLOCKS as SB } from '../../../src/blocks/status-page-ids';
import { modalField, pressPublish, publishButtons, startCustomerFacing, submitPublish } from '../status-page/helpers';

/**
 * Item 7 of issue #12, "nothing unused": the real bot is driven through what responders, customers
 * and managers do (alerts, an incident from start to resolve, the status page, a rollback, every
 * runbook a person can list, every drill), and every piece of runbook-content/ — each template,
 * checklist item, runbook line, severity, policy reading and drill text, found by walking the
 * directory — must show up in something it produced: a Slack message, a modal, an answer, a DM or
 * the public status page. Content nothing shows fails here, naming the file and the text.
 */

const CONFIG = `
announcements: "#incidents"
deployAnnouncements: "#deploys"
services:
  checkout:
    channel: "#checkout-alerts"
    runbook: recent-deployment-issue
    responders: [U0ONCALL]
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
      - { after: 1s, notify: [U0LEAD] }
      - { after: 2h, notify: [U0CTO] }
    rollback: { executor: http, url: "http://deployer.test/rollback", secret: "unused-secret" }
  search:
    channel: "#search-alerts"
    responders: [U0ONCALL]
  payments:
    channel: "#payments-alerts"
  cart:
    channel: "#cart-alerts"
  orders:
    channel: "#orders-alerts"
    guard: { mode: propose, every: 250ms, errorRate: { for: 1s }, latencyP95: { for: 1s }, healthFailures: { for: 1s } }
`;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** Every `for` (how long a reading must last) in the policy made one second, wherever the policy keeps one. */
function shortSpans<T>(value: T): T {
  if (Array.isArray(value)) return value.map(shortSpans) as T;
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, key === 'for' && typeof v === 'number' ? 1000 : shortSpans(v)])) as T;
}

/** The shipped content with second-scale timers, so the reminders and the guard's window run while the test watches. */
function quickContent(): Content {
  const base = loadContent();
  return {
    ...base,
    policy: {
      ...shortSpans(base.policy),
      updates: { every: 1500 },
      guard: { ...shortSpans(base.policy.guard), window: 4000 },
      escalation: { ...base.policy.escalation, renotifyEvery: 3_600_000 },
      postmortem: { ...base.policy.postmortem, remindAfter: 1000 },
    },
  };
}

interface Button {
  type: string;
  action_id: string;
  value: string;
  text: { text: string };
}

function buttonIn(call: SlackCall, text: RegExp): { button: Button; blockId?: string } | undefined {
  for (const block of (call.body.blocks ?? []) as { block_id?: string; elements?: Button[] }[]) {
    const button = block.elements?.find((e) => e.type === 'button' && text.test(e.text.text));
    if (button) return { button, blockId: block.block_id };
  }
  return undefined;
}

async function pressIn(h: Harness, call: SlackCall, text: RegExp, userId = 'U0ONCALL') {
  const found = buttonIn(call, text);
  if (!found) throw new Error(`no ${String(text)} button in ${JSON.stringify(call.body.blocks)}`);
  const action = { type: 'button', action_id: found.button.action_id, block_id: found.blockId, value: found.button.value, text: found.button.text };
  const answer = await postSigned(h.url, blockAction({ channelId: String(call.body.channel), userId, action }), FORM);
  if (answer.status !== 200) throw new Error(`${String(text)} refused: ${answer.status}`);
}

const command = async (h: Harness, text: string, channel: string) => {
  const answer = await postSigned(h.url, slashCommand({ text, channel_id: channel, user_id: 'U0ONCALL' }), FORM);
  if (answer.status !== 200) throw new Error(`/incident ${text}: ${answer.status}`);
  return answer;
};

/** Wait on a condition that reads content wording: a reworded template must fail below, naming itself, not time out here. */
const settle = (what: string, condition: () => boolean) => waitFor(what, condition).catch(() => undefined);

const postsIn = (h: Harness, channel: string) => h.slack.called('chat.postMessage').filter((c) => c.body.channel === channel);
const html = (page: string) => page.replace(/<[^>]+>/g, ' ');

describe('nothing unused: every piece of runbook-content/ reaches a surface', () => {
  let h: Harness;
  const answers: unknown[] = [];
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  it('walks templates, checklists, runbooks, severities, policy and drills against what the running bot produced', async () => {
    h = await startHarness({ config: CONFIG, content: quickContent() });
    const deployer = recordingEndpoint('http://deployer.test', 'post', '/rollback', [[200, { message: 'switched back' }]]);
    const cmd = async (text: string, channel: string) => {
      const answer = await command(h, text, channel);
      answers.push(answer.json ?? answer.text);
      return answer;
    };

    // Deploys and alerts: readings of the quick-diagnosis table, and "not a regression" where nothing deployed.
    // Each strategy, started and finished, so that whatever a deploy shows (its announcement, its rollback plan) is shown.
    const deploy = { environment: 'production', changes: { config: true, dependencies: false, migrations: ['0042_add_col'], flags: [] } };
    for (const status of ['started', 'succeeded']) {
      await postWebhook(h.url, 'deploy', { ...deploy, status, strategy: 'blue-green', service: 'checkout', version: 'v2.0.0', previousVersion: 'v1.9.0', timestamp: minutesAgo(status === 'started' ? 12 : 10) });
      await postWebhook(h.url, 'deploy', { ...deploy, status, strategy: 'canary', service: 'search', version: 'v5.1.0', previousVersion: 'v5.0.9', timestamp: minutesAgo(status === 'started' ? 12 : 10) });
    }
    for (const [status, ago] of [['started', 12], ['failed', 10]] as const) {
      await postWebhook(h.url, 'deploy', { ...deploy, status, strategy: 'rolling', service: 'cart', version: 'v3.0.0', previousVersion: 'v2.9.0', timestamp: minutesAgo(ago) });
    }
    const alert = { name: 'HighErrorRate', severity: 'critical', status: 'firing', startsAt: minutesAgo(1), summary: '5xx rate 7%', value: 0.07 };
    await postWebhook(h.url, 'alert', { ...alert, service: 'checkout', fingerprint: 'nu-1', labels: { endpoint: '*' } });
    await postWebhook(h.url, 'alert', { ...alert, service: 'search', fingerprint: 'nu-2', labels: { endpoint: '/api/q', pattern: 'partial-recovery', trigger: 'load' } });
    await postWebhook(h.url, 'alert', { ...alert, service: 'payments', fingerprint: 'nu-3' });
    for (const channel of ['#checkout-alerts', '#search-alerts', '#payments-alerts']) await waitFor(`card in ${channel}`, () => postsIn(h, channel).length > 0);

    // A guarded canary on pushed samples: a few points above its baseline (under the guard's 5 %) while its short window runs.
    const sample = (value: number, at: number, signal = 'errorRate') => ({ signal, value, at: new Date(at).toISOString() });
    const push = (samples: unknown[]) => postWebhook(h.url, 'metrics', { service: 'orders', environment: 'production', samples });
    const before = [20, 10].flatMap((m) => [sample(0.002, Date.now() - m * 60_000), sample(0.2, Date.now() - m * 60_000, 'latencyP95'), sample(0, Date.now() - m * 60_000, 'healthFailures')]);
    await push(before);
    await postWebhook(h.url, 'deploy', { ...deploy, status: 'succeeded', strategy: 'canary', service: 'orders', version: 'v7.1.0', previousVersion: 'v7.0.0', timestamp: new Date().toISOString() });
    const guarded = Date.now();
    while (Date.now() - guarded < 5000) {
      await push([sample(0.03, Date.now()), sample(0.2, Date.now(), 'latencyP95'), sample(0, Date.now(), 'healthFailures')]);
      await sleep(250);
    }

    // The start form (severity definitions), then a customer-facing incident on checkout.
    await cmd('start Checkout errors', 'C0GENERAL');
    await waitFor('start form', () => h.slack.called('views.open').length === 1);
    const channel = await startCustomerFacing(h);
    await waitFor('runbook card, announcement, status page proposal', () =>
      postsIn(h, channel).some((c) => String(c.body.text).startsWith('Runbook:')) && postsIn(h, '#incidents').length === 1 && publishButtons(h, channel).length === 1,
    );
    await settle('escalation line', () => postsIn(h, channel).some((c) => String(c.body.text).includes('Escalated to level')));
    await settle('update reminder', () => postsIn(h, channel).some((c) => String(c.body.text).includes('no update for')));

    // Publish the proposal after review; `/incident statuspage` opens the same review.
    const modal = await pressPublish(h, channel, publishButtons(h, channel)[0]!.value);
    const text = modalField(modal, SB.text)?.initial_value ?? '';
    const submitted = await submitPublish(h, modal, { stage: 'investigating', title: 'Checkout errors', text }, 'VPUBLISH1');
    expect(submitted.status).toBe(200);
    await cmd('statuspage', channel);
    await postUpdate(h, 'INC-1');
    await waitFor('identified proposal', () => publishButtons(h, channel).length === 2);

    // Rollback from the alert card: the status, verification with the success criteria, the announcement.
    const card = postsIn(h, '#checkout-alerts')[0]!;
    await pressIn(h, card, /^Rollback to /);
    await waitFor('rollback run', () => deployer.calls.length === 1);
    await untilJobsFinished(h);
    expect(deployer.calls).toHaveLength(1);

    // Every runbook a person can list, posted and opened in full.
    const list = JSON.stringify((await cmd('runbook list', channel)).json);
    const ids = [...list.matchAll(/• `([a-z0-9-]+)`/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    const cardOf = (id: string) => postsIn(h, channel).find((c) => buttonIn(c, /^Show all$/)?.button.value === JSON.stringify({ runbook: id }));
    for (const id of ids) {
      await cmd(`runbook ${id}`, channel);
      await waitFor(`card of ${id}`, () => cardOf(id) !== undefined);
      const opened = h.slack.called('views.open').length;
      await pressIn(h, cardOf(id)!, /^Show all$/);
      await waitFor(`Show all of ${id}`, () => h.slack.called('views.open').length > opened);
    }

    // Every drill a person can list, started.
    const drills = JSON.stringify((await cmd('drill', channel)).json);
    const scenarios = [...drills.matchAll(/• `([a-z0-9-]+)`/g)].map((m) => m[1]!);
    expect(scenarios.length).toBeGreaterThan(0);
    for (const scenario of scenarios) {
      const pins = h.slack.called('pins.add').length;
      await cmd(`drill ${scenario}`, 'C0GENERAL');
      await waitFor(`drill ${scenario}`, () => h.slack.called('pins.add').length > pins);
    }

    // Resolve: the Resolution, the checklist, the Resolved proposal, the postmortem reminder.
    await resolveIncidentViaSlack(h, 'INC-1');
    await waitFor('resolved proposal', () => publishButtons(h, channel).length === 3);
    await settle('postmortem reminder', () => postsIn(h, channel).some((c) => String(c.body.text).includes('the postmortem')));
    await waitFor('every drill briefed', () => scenarios.every((s) => h.slack.called('chat.postMessage').some((c) => String(c.body.text).includes(`Drill ${s}:`))));

    const pages = await Promise.all(['/status', '/status.json', '/status/feed'].map(async (route) => (await fetch(`${h.url}${route}`)).text()));
    const surfaces = [
      ...h.slack.calls.map((call) => visibleText(call.body)),
      ...h.slack.responses.map((response) => visibleText(response.body)),
      ...answers.map((answer) => visibleText(answer)),
      ...h.slack.uploads.values(),
      ...pages.map(html),
    ];

    const items = contentItems(DEFAULT_CONTENT_DIR);
    // The walk itself is not empty: every template file and every runbook gave something to look for.
    const templates = items.filter((i) => i.source.startsWith('templates/'));
    expect(templates.length).toBeGreaterThan(0);
    expect(templates.filter((t) => t.fragments.length === 0)).toEqual([]);
    const missing = unreached(items, surfaces).map((item) => `${item.source}: ${item.fragments.join(' … ')}`);
    expect(missing).toEqual([]);
  });
});
