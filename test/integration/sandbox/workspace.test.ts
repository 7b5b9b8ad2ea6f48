import { createHmac } from 'node:crypto';
import { redisKeys } from '../../../src/lib/keys';
import { startHarness, waitFor } from '../../helpers/harness';
import { startSandbox, type SandboxHarness } from '../../helpers/sandbox';

type State = {
  channels: { id: string; name: string; topic: string; dmWith?: string; members: string[] }[];
  messages: { ts: string; text: string; user: string; ephemeralFor?: string; blocks?: unknown[] }[];
  views: { id: string; view: { callback_id: string } }[];
  deployer: { kind: string; signature?: string }[];
};

async function api(h: SandboxHarness, method: string, args: Record<string, string>, token = h.setup.env.SLACK_BOT_TOKEN) {
  const response = await fetch(`${h.url}/sandbox/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: new URLSearchParams(args).toString(),
  });
  return (await response.json()) as Record<string, unknown> & { ok: boolean; error?: string };
}

async function state(h: SandboxHarness, user: string, channel?: string): Promise<State> {
  const query = new URLSearchParams({ user, ...(channel ? { channel } : {}) });
  return (await (await fetch(`${h.url}/sandbox/state?${query}`)).json()) as State;
}

const post = (h: SandboxHarness, path: string, body: unknown) =>
  fetch(`${h.url}/sandbox/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const channelNamed = async (h: SandboxHarness, name: string) => (await state(h, 'U0ONCALL')).channels.find((c) => c.name === name)!;

describe('the sandbox workspace', () => {
  let h: SandboxHarness;
  beforeEach(async () => {
    h = await startSandbox();
  });
  afterEach(async () => {
    await h?.close();
  });

  it('points the bot at its own embedded Web API with generated credentials, and seeds the demo channels', async () => {
    expect(h.setup.demo).toBe(true);
    expect(h.setup.env.SLACK_API_URL).toBe(`${h.url}/sandbox/api/`);
    expect(h.setup.env.SLACK_BOT_TOKEN).toMatch(/^xoxb-sandbox-/);
    const names = (await state(h, 'U0ONCALL')).channels.map((c) => c.name).sort();
    expect(names).toEqual(['checkout-alerts', 'deploys', 'general', 'incidents', 'payments-alerts', 'search-alerts']);
  });

  it('answers the Web API like Slack: bad token, unknown method, missing channel, name_taken', async () => {
    expect(await api(h, 'chat.postMessage', { channel: '#general', text: 'hi' }, 'xoxb-wrong')).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await api(h, 'chat.postMessage', { channel: '#general', text: 'hi' }, '')).toEqual({ ok: false, error: 'not_authed' });
    expect(await api(h, 'chat.fly', {})).toEqual({ ok: false, error: 'unknown_method' });
    expect(await api(h, 'chat.postMessage', { channel: '#nowhere', text: 'hi' })).toEqual({ ok: false, error: 'channel_not_found' });
    expect((await api(h, 'conversations.create', { name: 'general' })).error).toBe('name_taken');
    const posted = await api(h, 'chat.postMessage', { channel: '#general', text: 'hello *world*' });
    expect(posted.ok).toBe(true);
    expect((await api(h, 'pins.add', { channel: String(posted.channel), timestamp: String(posted.ts) })).ok).toBe(true);
    expect((await api(h, 'pins.add', { channel: String(posted.channel), timestamp: String(posted.ts) })).error).toBe('already_pinned');
    expect(await api(h, 'usergroups.users.list', { usergroup: 'S0ONCALL' })).toMatchObject({ ok: true, users: ['U0ONCALL'] });
    expect((await api(h, 'views.open', { trigger_id: 'made-up', view: '{"type":"modal"}' })).error).toBe('invalid_trigger_id');
    // A thread reply stays in its thread unless broadcast.
    const channel = String(posted.channel);
    await api(h, 'chat.postMessage', { channel, thread_ts: String(posted.ts), text: 'in the thread' });
    await api(h, 'chat.postMessage', { channel, thread_ts: String(posted.ts), text: 'also in the channel', reply_broadcast: 'true' });
    expect((await state(h, 'U0ONCALL', channel)).messages.map((m) => m.text)).toEqual(['hello *world*', 'also in the channel']);
    expect((await api(h, 'conversations.replies', { channel, ts: String(posted.ts) })).messages).toHaveLength(3);
  });

  it('only Slack-signed requests reach the bot: an unsigned slash command is refused', async () => {
    const response = await fetch(`${h.url}/slack/events`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'command=/incident&text=help' });
    expect(response.status).toBe(401);
  });

  it('runs /incident through the bot: help as an ephemeral answer only its author sees, start as a modal', async () => {
    const general = await channelNamed(h, 'general');
    expect((await post(h, 'message', { user: 'U0LEAD', channel: general.id, text: '/incident help' })).status).toBe(200);
    const lead = await state(h, 'U0LEAD', general.id);
    expect(lead.messages).toHaveLength(1);
    expect(lead.messages[0]).toMatchObject({ ephemeralFor: 'U0LEAD' });
    expect(lead.messages[0]!.text).toContain('/incident start');
    expect((await state(h, 'U0ONCALL', general.id)).messages).toHaveLength(0);

    await post(h, 'message', { user: 'U0LEAD', channel: general.id, text: '/incident start' });
    await waitFor('the start modal', async () => (await state(h, 'U0LEAD')).views.length === 1);
    expect((await state(h, 'U0LEAD')).views[0]!.view.callback_id).toBe('incident_start');
    expect((await state(h, 'U0ONCALL')).views).toHaveLength(0);
  });

  it('refuses page requests it cannot parse with the path and the reason, changing nothing', async () => {
    const general = await channelNamed(h, 'general');
    const response = await post(h, 'message', { user: 'bob', channel: general.id, text: '' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: { path: string }[] };
    expect(body.issues.map((i) => i.path).sort()).toEqual(['text', 'user']);
    expect((await post(h, 'simulate/deploy', { service: 'checkout', version: 'v2', previousVersion: 'v1', strategy: 'sideways' })).status).toBe(400);
    expect((await state(h, 'U0ONCALL', general.id)).messages).toHaveLength(0);
  });

  it('Simulate goes through the real webhooks: an unknown-to-config service is still stored, a bad one is a 400 from the webhook', async () => {
    const deploy = await post(h, 'simulate/deploy', { service: 'checkout', version: 'v2.0.0', previousVersion: 'v1.9.0', strategy: 'canary', minutesAgo: 3 });
    expect(deploy.status).toBe(202);
    const answer = (await deploy.json()) as { answer: { id: string } };
    expect(await h.redis.exists(redisKeys(h.prefix).deploy(answer.answer.id))).toBe(1);
    const deploys = await channelNamed(h, 'deploys');
    await waitFor('the deploy announcement', async () => (await state(h, 'U0VIEWER', deploys.id)).messages.some((m) => m.text.includes('v2.0.0')), 15_000);
  });

  it('the demo deployer checks the rollback signature and logs what it received', async () => {
    const body = JSON.stringify({ action: 'rollback', service: 'checkout', toVersion: 'v1' });
    const good = createHmac('sha256', 'sandbox-rollback-secret').update(body).digest('hex');
    const send = (signature: string) =>
      fetch(`${h.url}/sandbox/deployer/rollback`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Firebreak-Signature': signature }, body });
    expect((await send(`sha256=${good}`)).status).toBe(200);
    expect((await send(`sha256=${'0'.repeat(64)}`)).status).toBe(401);
    expect((await state(h, 'U0ONCALL')).deployer.map((c) => c.signature)).toEqual(['INVALID', 'valid']);
  });

  it('keeps the workspace in Redis across a restart', async () => {
    const general = await channelNamed(h, 'general');
    await post(h, 'message', { user: 'U0ONCALL', channel: general.id, text: 'before the restart' });
    await h.close({ keepData: true });
    h = await startSandbox({ prefix: h.prefix });
    const after = await state(h, 'U0ONCALL', general.id);
    expect(after.messages.map((m) => m.text)).toEqual(['before the restart']);
    expect(after.channels.filter((c) => c.name === 'general')).toHaveLength(1);
  });
});

describe('sandbox mode is off when Slack credentials are set', () => {
  it('serves no /sandbox', async () => {
    const harness = await startHarness();
    try {
      expect((await fetch(`${harness.url}/sandbox`)).status).toBe(404);
      expect((await fetch(`${harness.url}/sandbox/api/auth.test`, { method: 'POST' })).status).toBe(404);
    } finally {
      await harness.close();
    }
  });
});

describe('the sandbox with the demo configuration, as people use it', () => {
  let h: SandboxHarness;
  beforeEach(async () => {
    h = await startSandbox();
  });
  afterEach(async () => {
    await h?.close();
  });

  type Button = { action_id: string; text: { text: string } };
  const buttonsOf = (m: State['messages'][number]) =>
    ((m.blocks ?? []) as { block_id?: string; elements?: Button[] }[]).flatMap((b) => (b.elements ?? []).map((e) => ({ blockId: b.block_id ?? '_', ...e })));

  it('pages the on-call by DM when an incident on a service opens', async () => {
    const general = await channelNamed(h, 'general');
    await post(h, 'message', { user: 'U0LEAD', channel: general.id, text: '/incident start Payments down' });
    await waitFor('the modal', async () => (await state(h, 'U0LEAD')).views.length === 1);
    const view = (await state(h, 'U0LEAD')).views[0]!;
    const submitted = await post(h, `views/${view.id}/submit`, { user: 'U0LEAD', values: { title: 'Payments down', severity: 'P2', service: 'payments', impact: 'No payments', commander: 'U0LEAD' } });
    expect(await submitted.json()).toEqual({ ok: true });
    await waitFor('the DM to the on-call', async () => (await state(h, 'U0ONCALL')).channels.some((c) => c.dmWith === 'U0ONCALL'), 15_000);
    const dm = (await state(h, 'U0ONCALL')).channels.find((c) => c.dmWith === 'U0ONCALL')!;
    await waitFor('the page', async () => (await state(h, 'U0ONCALL', dm.id)).messages.length > 0);
    const page = (await state(h, 'U0ONCALL', dm.id)).messages[0]!;
    expect(buttonsOf(page).map((b) => b.text.text)).toEqual(expect.arrayContaining(['Acknowledge', 'Join channel']));
    expect((await state(h, 'U0LEAD')).channels.some((c) => c.dmWith)).toBe(false);
  });

  it('refuses Rollback to someone who is not a responder, privately', async () => {
    expect((await post(h, 'simulate/deploy', { service: 'payments', version: 'v3', previousVersion: 'v2', minutesAgo: 2 })).status).toBe(202);
    expect((await post(h, 'simulate/alert', { service: 'payments', name: 'HighLatency' })).status).toBe(202);
    const channel = await channelNamed(h, 'payments-alerts');
    await waitFor('the alert card', async () => (await state(h, 'U0VIEWER', channel.id)).messages.some((m) => buttonsOf(m).some((b) => b.text.text === 'Rollback to v2')), 15_000);
    const card = (await state(h, 'U0VIEWER', channel.id)).messages[0]!;
    const rollback = buttonsOf(card).find((b) => b.text.text === 'Rollback to v2')!;
    const clicked = await post(h, 'action', { user: 'U0VIEWER', channel: channel.id, ts: card.ts, blockId: rollback.blockId, actionId: rollback.action_id });
    expect(clicked.status).toBe(200);
    await waitFor('the refusal', async () => (await state(h, 'U0VIEWER', channel.id)).messages.some((m) => m.ephemeralFor === 'U0VIEWER'));
    const refusal = (await state(h, 'U0VIEWER', channel.id)).messages.find((m) => m.ephemeralFor === 'U0VIEWER')!;
    expect(refusal.text).toMatch(/responder/i);
    expect((await state(h, 'U0ONCALL', channel.id)).messages.some((m) => m.ephemeralFor)).toBe(false);
    expect((await state(h, 'U0VIEWER')).deployer).toHaveLength(0);
  });

  it('uploads the postmortem draft as a file in the incident channel, served as plain text', async () => {
    const general = await channelNamed(h, 'general');
    await post(h, 'message', { user: 'U0ONCALL', channel: general.id, text: '/incident start Search <script>alert(1)</script>' });
    await waitFor('the modal', async () => (await state(h, 'U0ONCALL')).views.length === 1);
    const view = (await state(h, 'U0ONCALL')).views[0]!;
    await post(h, `views/${view.id}/submit`, { user: 'U0ONCALL', values: { title: 'Search <script>alert(1)</script>', severity: 'P3', impact: 'Slow search' } });
    await waitFor('the incident channel', async () => (await state(h, 'U0ONCALL')).channels.some((c) => c.name.startsWith('inc-')), 15_000);
    const incident = (await state(h, 'U0ONCALL')).channels.find((c) => c.name.startsWith('inc-'))!;
    await post(h, 'message', { user: 'U0ONCALL', channel: incident.id, text: '/incident postmortem' });
    type WithFiles = State['messages'][number] & { files?: { id: string; name: string }[] };
    const withFile = async () => ((await state(h, 'U0ONCALL', incident.id)).messages as WithFiles[]).find((m) => m.files?.length);
    await waitFor('the uploaded draft', async () => (await withFile()) !== undefined, 15_000);
    const file = (await withFile())!.files![0]!;
    expect(file.name).toBe('postmortem-INC-1.md');
    const served = await fetch(`${h.url}/sandbox/files/${file.id}`);
    expect(served.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await served.text()).toContain('# Postmortem');
  });

  it('creates the channels a config names by id as well as by name', async () => {
    await h.close();
    h = await startSandbox({ config: 'announcements: "C0ANNOUNCE"\nservices:\n  web:\n    channel: "#web-alerts"\n' });
    const channels = (await state(h, 'U0ONCALL')).channels;
    expect(channels.find((c) => c.id === 'C0ANNOUNCE')?.name).toBe('c0announce');
    expect(channels.map((c) => c.name)).toContain('web-alerts');
    expect(h.setup.demo).toBe(false);
  });
});
