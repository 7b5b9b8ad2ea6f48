import { offerId } from '../../src/blocks/remediation';
import { REMEDIATION_ACTIONS, type RemediationOfferPayload } from '../../src/blocks/remediation-ids';
import { RemediationOfferStore } from '../../src/outbound/store/remediation-offers';
import type { Deploy, NewDeploy } from '../../src/domain/deploys/model';
import type { Incident, TimelineEntry } from '../../src/domain/incidents/model';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { remediationActionId, type ActionRecord, type ContextRef } from '../../src/domain/remediation/model';
import { redisKeys } from '../../src/lib/keys';
import { QUEUE_NAMES } from '../../src/outbound/jobs/queues';
import { RedisActionStore } from '../../src/outbound/store/action-store';
import { RedisDeployStore } from '../../src/outbound/store/deploy-store';
import { RedisIncidentStore } from '../../src/outbound/store/incident-store';
import { waitFor, type Harness } from './harness';
import { blockAction, FORM, postSigned, type SlackPostOptions } from './slack';
import { aDeploy } from './factories';
import { queueJobs } from './queue-jobs';

export const RESPONDER = 'U0RESP1';
export const RESPONDER_2 = 'U0RESP2';
export const ONCALL_GROUP = 'S0ONCALL';
export const INCIDENT_CHANNEL = 'C0INCREM';
export const SECRET = 'deployer-secret';

/** A service block for checkout; `rollback` and `flags` are YAML flow maps. */
export function serviceConfig(options: { rollback?: string; flags?: string; healthChecks?: string[]; responders?: string[] } = {}): string {
  const rollback = options.rollback ?? `{ executor: http, url: "https://deployer.test/rollback", secret: "${SECRET}", attempts: 3, backoff: 100ms }`;
  const health = options.healthChecks ?? ['https://checkout.test/health', 'https://checkout.test/ready'];
  return `
services:
  checkout:
    channel: "#checkout-alerts"
    responders: [${(options.responders ?? [RESPONDER, RESPONDER_2, ONCALL_GROUP]).join(', ')}]
    escalation:
      - { after: 0m, notify: [U0ONCALL] }
      - { after: 30m, notify: [U0LEAD] }
    healthChecks: [${health.map((u) => `"${u}"`).join(', ')}]
    rollback: ${rollback}
    flags: ${options.flags ?? '{ provider: http, url: "https://flags.test/api/flags", token: "flags-token", attempts: 2, backoff: 100ms }'}
`;
}

export async function seedDeploy(h: Pick<Harness, 'redis' | 'prefix'>, overrides: Partial<NewDeploy> = {}): Promise<Deploy> {
  const store = new RedisDeployStore(h.redis, redisKeys(h.prefix));
  const deploy = aDeploy({
    timestamp: new Date(Date.now() - 5 * 60_000).toISOString(),
    actor: 'deploy-bot',
    changes: { config: false, dependencies: false, migrations: [], flags: [{ key: 'new-checkout', enabled: true }] },
    ...overrides,
  });
  const { id } = await store.record(deploy);
  return { ...deploy, id };
}

/** An open incident on checkout with its channel, written straight to the store. */
export async function seedIncident(h: Pick<Harness, 'redis' | 'prefix'>, overrides: Partial<Incident> = {}): Promise<Incident> {
  const store = new RedisIncidentStore(h.redis, redisKeys(h.prefix));
  const number = await store.nextNumber();
  const incident: Incident = {
    id: `INC-${number}`,
    number,
    title: 'Checkout 500s after deploy',
    severity: 'P1',
    service: 'checkout',
    impact: '30% of checkouts fail',
    status: 'open',
    workStatus: 'Investigating',
    reporterId: RESPONDER,
    commanderId: RESPONDER,
    createdAt: new Date(Date.now() - 10 * 60_000).toISOString(),
    updateCount: 0,
    revision: 0,
    channelName: `inc-checkout-${number}`,
    publication: { invited: true, topicSet: true, pinned: true },
    ...overrides,
  };
  await store.createOnce(incident, `seed-${incident.id}`);
  await store.bindChannel(incident.id, overrides.channelId ?? INCIDENT_CHANNEL, incident.channelName);
  return (await store.get(incident.id))!;
}

/** A deploy and an open incident on checkout, and the id the incident's rollback of that deploy gets. */
export async function seedRollback(h: Pick<Harness, 'redis' | 'prefix'>) {
  const deploy = await seedDeploy(h);
  const incident = await seedIncident(h);
  const context = { kind: 'incident' as const, id: incident.id };
  return { deploy, incident, context, id: remediationActionId('rollback', context, deploy.id) };
}

/**
 * A deployer (POST, noting each call's idempotency key) and a health endpoint (`/health`) on a real
 * port, for workers in other processes where nock cannot reach. `hangFirst`: the first call is never
 * answered (its worker is to die mid-call); every other call gets 200.
 */
export async function startLocalDeployer(options: { hangFirst?: boolean } = {}) {
  const keys: string[] = [];
  const hung: ServerResponse[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/health') return void res.writeHead(200).end('ok');
    req.resume();
    req.on('end', () => {
      keys.push(String(req.headers['idempotency-key']));
      if (options.hangFirst && keys.length === 1) hung.push(res);
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'rolled back' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    close: () =>
      new Promise<void>((resolve) => {
        hung.forEach((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Click {
  deploy: Deploy;
  context: ContextRef;
  userId?: string;
  flagKey?: string;
  triggerId?: string;
  channelId?: string;
  messageTs?: string;
}

/** What the server stores when it renders the button this click presses. */
export function offerOf(click: Click): RemediationOfferPayload {
  return { service: click.deploy.service, deployId: click.deploy.id, context: click.context, ...(click.flagKey ? { flagKey: click.flagKey } : {}) };
}

/** Save the offer as rendering the button does (for clicks on buttons a test did not have Firebreak post). */
export function renderOffer(h: Pick<Harness, 'redis' | 'prefix'>, click: Click): Promise<void> {
  const payload = offerOf(click);
  return new RemediationOfferStore(h.redis, redisKeys(h.prefix), 86_400_000).save([{ id: offerId(payload), payload }]);
}

/**
 * A signed block_actions payload for the Rollback (or Disable flag) button, as Slack posts it after
 * the confirm dialog: the value is the offer id the server gave the button (`value` overrides it).
 */
export function clickBody(click: Click & { value?: string }): string {
  return blockAction({
    action: {
      type: 'button',
      action_id: click.flagKey ? REMEDIATION_ACTIONS.disableFlag : REMEDIATION_ACTIONS.rollback,
      block_id: `remediation-${click.deploy.id}`,
      value: click.value ?? JSON.stringify({ offer: offerId(offerOf(click)) }),
      text: { type: 'plain_text', text: 'Rollback' },
    },
    channelId: click.channelId ?? INCIDENT_CHANNEL,
    userId: click.userId ?? RESPONDER,
    triggerId: click.triggerId,
    messageTs: click.messageTs ?? '1700000000.000100',
  });
}

/** Press a Rollback / Disable flag button Firebreak rendered (its offer saved first, as rendering does). */
export async function click(h: Harness, details: Click, options: SlackPostOptions = {}) {
  await renderOffer(h, details);
  return postSigned(h.url, clickBody(details), FORM, options);
}

export function actionRecord(h: Pick<Harness, 'redis' | 'prefix'>, id: string): Promise<ActionRecord | undefined> {
  return new RedisActionStore(h.redis, redisKeys(h.prefix), { retentionMs: 86_400_000 }).get(id);
}

export async function timeline(h: Pick<Harness, 'redis' | 'prefix'>, incidentId: string): Promise<TimelineEntry[]> {
  return new RedisIncidentStore(h.redis, redisKeys(h.prefix)).timeline(incidentId);
}

/** Every remediation job BullMQ holds for this harness, in any state. */
export function remediationJobs(prefix: string) {
  return queueJobs(prefix, QUEUE_NAMES.remediation);
}

/** Whether a message's text is a status message's (it ends in ": <state>"). */
export const isStatus = (text: unknown) => /: (queued|running|retrying|succeeded|failed)$/.test(String(text));

/** Status message versions: the posts and every chat.update, in order. */
export function statusTimeline(h: Harness): { posts: string[]; updates: { ts: string; text: string }[] } {
  return {
    posts: h.slack.called('chat.postMessage').map((c) => String(c.body.text)).filter(isStatus),
    updates: h.slack.called('chat.update').map((c) => ({ ts: String(c.body.ts), text: String(c.body.text) })),
  };
}

/** Wait until the action reached `state` (and, for success, its status message and follow-ups were posted). */
export async function settled(h: Pick<Harness, 'redis' | 'prefix'>, id: string, state: 'succeeded' | 'failed', timeoutMs = 10_000): Promise<ActionRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await actionRecord(h, id);
    const done = state === 'succeeded' ? record?.statusTs !== undefined && record.progress.verificationTs !== undefined && (record.spec.kind !== 'rollback' || record.progress.announcementTs !== undefined) : record?.progress.failureTs !== undefined;
    if (record && record.progress.state === state && done) return record;
    if (Date.now() > deadline) throw new Error(`action ${id} did not reach ${state}: ${JSON.stringify(record?.progress)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Wait until every remediation job has finished (none waiting, active or delayed): a repeat run would have happened by then. */
export async function untilJobsFinished(h: Pick<Harness, 'prefix'>): Promise<void> {
  await waitFor('remediation jobs finished', async () => (await remediationJobs(h.prefix)).every((job) => job.state === 'completed' || job.state === 'failed'));
}
