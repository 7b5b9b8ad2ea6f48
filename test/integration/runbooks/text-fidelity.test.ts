import { INCIDENT_BLOCKS as B } from '../../../src/blocks/ids';
import { SEVERITY_DEFINITIONS_BLOCK } from '../../../src/blocks/incident-modals';
import { loadContent } from '../../../src/content';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { FORM, postSigned, slashCommand } from '../../helpers/slack';
import { postWebhook } from '../../helpers/webhooks';

/** Issue #12 item 6 (and the Customer-facing option of item 1) as a person meets them through Slack. */

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    responders: [U0ONCALL]
    rollback: { executor: http, url: "http://deployer.test/rollback", secret: "s" }
  search:
    channel: "#search-alerts"
    responders: [U0ONCALL]
    rollback: { executor: http, url: "http://deployer.test/rollback", secret: "s" }
`;

const content = loadContent();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

interface Block {
  type: string;
  block_id?: string;
  elements?: { type?: string; text?: string | { text: string }; confirm?: { text: { text: string } }; options?: { text: { text: string } }[] }[];
  element?: { type: string; options?: { value: string; text: { text: string } }[] };
}

describe('text fidelity through Slack', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
  });
  afterEach(() => h.close());

  it('/incident start shows every severity definition in full and offers Customer-facing', async () => {
    const answer = await postSigned(h.url, slashCommand({ text: 'start Checkout errors' }), FORM);
    expect(answer.status).toBe(200);
    await waitFor('start form', () => h.slack.called('views.open').length === 1);
    const blocks = (h.slack.called('views.open')[0]!.body.view as { blocks: Block[] }).blocks;
    const definitions = blocks.find((b) => b.block_id === SEVERITY_DEFINITIONS_BLOCK)!;
    expect(definitions.type).toBe('context');
    expect(definitions.elements!.map((e) => e.text)).toEqual(
      (['P0', 'P1', 'P2', 'P3'] as const).map((id) => `*${id} ${content.severities[id].label}* — ${content.severities[id].definition}`),
    );
    const customerFacing = blocks.find((b) => b.block_id === B.customerFacing)!;
    expect(customerFacing.element!.type).toBe('checkboxes');
    expect(customerFacing.element!.options!.map((o) => o.text.text)).toEqual(['Customer-facing']);
  });

  it('the Rollback confirmation on an alert card carries the data-consistency warning only when the deploy ran migrations', async () => {
    const deploy = { environment: 'production', strategy: 'blue-green', status: 'succeeded', timestamp: minutesAgo(10) };
    const none = { config: false, dependencies: false, migrations: [], flags: [] };
    await postWebhook(h.url, 'deploy', { ...deploy, service: 'checkout', version: 'v2.0.0', previousVersion: 'v1.9.0', changes: { ...none, migrations: ['0042_add_col'] } });
    await postWebhook(h.url, 'deploy', { ...deploy, service: 'search', version: 'v5.1.0', previousVersion: 'v5.0.9', changes: none });
    const alert = { name: 'HighErrorRate', severity: 'critical', status: 'firing', startsAt: minutesAgo(1), summary: '5xx rate 7%' };
    await postWebhook(h.url, 'alert', { ...alert, service: 'checkout', fingerprint: 'tf-1' });
    await postWebhook(h.url, 'alert', { ...alert, service: 'search', fingerprint: 'tf-2' });
    const confirmIn = (channel: string) => {
      const card = h.slack.called('chat.postMessage').find((c) => c.body.channel === channel);
      const button = ((card?.body.blocks ?? []) as Block[]).flatMap((b) => b.elements ?? []).find((e) => typeof e.text === 'object' && e.text.text.startsWith('Rollback to'));
      return button?.confirm?.text.text;
    };
    await waitFor('both cards', () => confirmIn('#checkout-alerts') !== undefined && confirmIn('#search-alerts') !== undefined);
    expect(confirmIn('#checkout-alerts')).toContain('It ran migrations (0042_add_col): a rollback can leave data half-migrated');
    expect(confirmIn('#search-alerts')).not.toContain('migrations');
  });
});
