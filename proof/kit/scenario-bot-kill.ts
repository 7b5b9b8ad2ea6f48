import { REMEDIATION_ACTIONS } from '../../src/blocks/remediation-ids';
import { blockAction, FORM, postSigned } from '../../test/helpers/slack';
import { alert, command, postWebhook, resolveIncident, startIncident } from './drive';
import { settle, sleep, waitFor } from './processes';
import { startDeployer, type Deployer } from './receivers';
import { shownFiring } from './scenario-redis';
import type { ShownMessage } from './slack-recorder';
import { row, type Row } from './table';
import { startWorld, type Matcher, type World } from './world';

const config = (deployer: string) => `
announcements: "#incidents"
services:
  checkout:
    channel: "#checkout-alerts"
    responders: [U0RESP1]
    healthChecks: ["${deployer}/health"]
    rollback: { executor: http, url: "${deployer}/rollback", secret: "s3cret", attempts: 3, backoff: 100ms, timeout: 60s }
  payments:
    channel: "#payments"
    escalation:
      - { after: 0s, notify: [U0PAY] }
  other:
    channel: "#other-alerts"
  search:
    channel: "#search-alerts"
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
`;

const isPost = (method: string, body: Record<string, unknown>, text: string) => method === 'chat.postMessage' && String(body.text ?? '').includes(text);
const count = (messages: ShownMessage[], text: string) => messages.filter((m) => m.text.includes(text)).length;

/** Opening an incident, cut by a SIGKILL at one step (full run only: each kill costs a stalled-job wait). */
async function openKills(world: World): Promise<string[]> {
  const points: [string, (title: string) => Matcher][] = [
    ['topic', () => (method) => method === 'conversations.setTopic'],
    ['initial post', (title) => (method, body) => isPost(method, body, title) && String(body.text).includes('INCIDENT')],
    ['pin', () => (method) => method === 'pins.add'],
    ['announcement', () => (method, body) => method === 'chat.postMessage' && body.channel === '#incidents'],
  ];
  const channels: string[] = [];
  for (const [name, when] of points) {
    const title = `Crash at ${name}`;
    const crashed = world.killWhen(when(title));
    await startIncident(world.url(), { title, severity: 'P2', service: 'search' });
    await crashed;
    // A step cut mid-call is taken over once its lease ends (60 s), so allow for that.
    const incident = await world.incidentTitled(title, (i) => i.publication.announcementTs !== undefined, 180_000);
    channels.push(incident.channelId!);
  }
  return channels;
}

/** The Rollback button of the card for a suspect deploy of checkout. */
async function rollbackButton(world: World) {
  const timestamp = new Date(Date.now() - 5 * 60_000).toISOString();
  const deploy = { service: 'checkout', environment: 'production', version: 'v2.0.1', previousVersion: 'v2.0.0', strategy: 'rolling', status: 'succeeded', timestamp };
  if ((await postWebhook(world.url(), 'deploy', deploy)) !== 202) throw new Error('deploy refused');
  if ((await postWebhook(world.url(), 'alert', alert(9000, { service: 'checkout', startsAt: new Date().toISOString() }))) !== 202) throw new Error('alert refused');
  const hasRollback = (m: ShownMessage) => m.channel === '#checkout-alerts' && JSON.stringify(m.blocks ?? '').includes(REMEDIATION_ACTIONS.rollback);
  await waitFor('alert card with Rollback', () => world.slack.posts(hasRollback).length > 0, 30_000);
  const card = world.slack.posts(hasRollback)[0]!;
  const blocks = card.blocks as { type: string; block_id?: string; elements?: { action_id: string; value: string; text: unknown }[] }[];
  const block = blocks.find((b) => b.elements?.some((e) => e.action_id === REMEDIATION_ACTIONS.rollback))!;
  const button = block.elements!.find((e) => e.action_id === REMEDIATION_ACTIONS.rollback)!;
  return blockAction({ action: { type: 'button', action_id: button.action_id, block_id: block.block_id, value: button.value, text: button.text }, channelId: card.channel, userId: 'U0RESP1', messageTs: card.ts });
}

/**
 * One SIGKILL that cuts, at the same moment, an alert digest posting its card, a resolve between its
 * Resolution and its checklist, a severity change between its post and its topic, and a rollback
 * during its executor call; then each is checked after the restart.
 */
async function combinedKill(world: World, deployer: Deployer, channels: string[]): Promise<Row[]> {
  const click = await rollbackButton(world);
  await startIncident(world.url(), { title: 'Crash during resolve', severity: 'P2', service: 'search' });
  const resolving = await world.incidentTitled('Crash during resolve', (i) => i.publication.announcementTs !== undefined);
  await startIncident(world.url(), { title: 'Crash during severity', severity: 'P2', service: 'payments' });
  const changing = await world.incidentTitled('Crash during severity', (i) => i.publication.announcementTs !== undefined);
  channels.push(resolving.channelId!, changing.channelId!);

  deployer.hangFirst = true;
  const executorCalled = new Promise<void>((done) => (deployer.onCall = done));
  const crashed = world.killWhen(
    [
      (method, body) => method === 'chat.postMessage' && body.channel === '#other-alerts',
      (method, body) => isPost(method, body, 'Post-incident checklist'),
      (method, body) => method === 'conversations.setTopic' && String(body.topic).startsWith('P1'),
    ],
    executorCalled,
  );
  const startsAt = new Date(Date.now() - 60_000).toISOString();
  let accepted = 0;
  const sending = (async () => {
    for (let i = 0; i < 20; i++) {
      // A sender retries until the (restarted) bot answers 202.
      await waitFor('alert accepted', async () => (await postWebhook(world.url(), 'alert', alert(5000 + i, { service: 'other', startsAt }))) === 202, 90_000);
      accepted += 1;
    }
  })();
  await resolveIncident(world.url(), resolving.id);
  if ((await command(world.url(), 'severity P1', changing.channelId!)) !== 200) throw new Error('severity refused');
  const answer = await postSigned(world.url(), click, FORM);
  if (answer.status !== 200) throw new Error(`rollback click refused: ${answer.status}`);
  await Promise.all([crashed, sending]);

  const cards = () => world.slack.posts((m) => m.channel === '#other-alerts' && !m.threadTs);
  const shown = () => Math.max(0, ...cards().map(shownFiring));
  const inChannels = () => world.slack.posts((m) => channels.includes(m.channel));
  const announced = () => world.slack.posts((m) => m.text.includes('Deployment rolled back') || JSON.stringify(m.blocks ?? '').includes('Deployment rolled back')).length;
  await settle(() => shown() >= accepted && count(inChannels(), 'Post-incident checklist') >= 1 && announced() >= 1, 3000, 120_000);

  const n = channels.length;
  const initials = count(inChannels(), 'INCIDENT');
  const announcements = world.slack.posts((m) => m.channel === '#incidents').length;
  const dms = world.slack.posts((m) => m.channel.startsWith('D0')).length;
  const severity = count(inChannels(), 'Severity changed');
  const resolution = count(inChannels(), 'RESOLVED');
  const checklist = count(inChannels(), 'Post-incident checklist');
  const keys = new Set(deployer.calls.map((c) => c.key));
  const keyed = deployer.calls.every((c) => c.key !== undefined);
  return [
    row('bot SIGKILL', 'alert digest cut mid-post: every 202 alert shown, on one card', shown() === accepted && cards().length === 1, {
      'answered 202': accepted,
      'shown on the card': shown(),
      cards: cards().length,
    }),
    row('bot SIGKILL', 'incident events cut mid-way: each Slack message once', initials === n && announcements === n && dms === n && severity === 1 && resolution === 1 && checklist === 1, {
      incidents: n,
      [`initial (want ${n})`]: initials,
      [`announcements (want ${n})`]: announcements,
      [`level-1 DMs (want ${n})`]: dms,
      'severity posts (want 1)': severity,
      'resolutions (want 1)': resolution,
      'checklists (want 1)': checklist,
    }),
    row('bot SIGKILL', 'rollback cut during the executor call: once per idempotency key at the receiver', keyed && keys.size === 1 && deployer.applied.size === 1 && announced() === 1, {
      'executor calls': deployer.calls.length,
      'distinct keys': keys.size,
      'applied at receiver': deployer.applied.size,
      'announcements (want 1)': announced(),
    }),
  ];
}

export async function botKillScenario(quick: boolean): Promise<Row[]> {
  const deployer = await startDeployer();
  const world = await startWorld({ config: config(deployer.base) });
  try {
    const channels = quick ? [] : await openKills(world);
    const rows = await combinedKill(world, deployer, channels);
    await sleep(500);
    const repeated = world.slack.duplicates();
    rows.push(row('bot SIGKILL', 'no Slack message repeated across all kills', repeated.length === 0, {
      kills: world.kills,
      posts: world.slack.messages.length,
      repeated: repeated.length ? repeated.map((m) => `"${m.text.slice(0, 24)}…"`).join(' ') : 0,
    }));
    return rows;
  } finally {
    await world.close();
    await deployer.close();
  }
}
