import nock from 'nock';
import { REMEDIATION_ACTIONS } from '../../../src/blocks/remediation-ids';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { redisKeys } from '../../../src/lib/keys';
import { RedisAlertStore } from '../../../src/outbound/store/alert-store';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import {
  click,
  clickBody,
  INCIDENT_CHANNEL,
  remediationJobs,
  RESPONDER,
  seedDeploy,
  seedIncident,
  serviceConfig,
  settled,
  timeline,
  untilJobsFinished,
} from '../../helpers/remediation';
import { recordingEndpoint } from '../../helpers/recorder';
import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { FORM, postSigned, selectValue, slashCommand, textValue, viewSubmission } from '../../helpers/slack';

const ALERT_CHANNEL = 'C0ALERTS';
const healthy = () => nock('https://checkout.test').get('/health').reply(200).get('/ready').reply(503);

/** The button of an ephemeral message (the command's answer): Slack sends no `message`, and says so. */
function ephemeralClickBody(body: string): string {
  const payload = JSON.parse(new URLSearchParams(body).get('payload')!) as Record<string, unknown> & { container: Record<string, unknown> };
  payload.container.is_ephemeral = true;
  delete payload.message;
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

describe('Disable flag, alert cards and /incident commands', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ config: serviceConfig() });
  });
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  it('disables a flag from an alert card: provider called once, audit kept in Redis, failing health check reported', async () => {
    const deploy = await seedDeploy(h);
    const context = { kind: 'alert' as const, id: 'fp-5xx-checkout' };
    const id = remediationActionId('disable-flag', context, 'new-checkout');
    const flags = recordingEndpoint('https://flags.test', 'post', '/api/flags');
    healthy();
    // The card's alert, known by the card's service and its fingerprint: the action's reason names it.
    const alert = { fingerprint: context.id, source: 'generic', service: 'checkout', environment: 'production', name: 'HighErrorRate', summary: '5xx at 7 %', severity: 'critical', status: 'firing', startsAt: new Date(Date.now() - 60_000).toISOString(), labels: {} } as const;
    await new RedisAlertStore(h.redis, redisKeys(h.prefix)).record(alert, Date.now());

    const answer = await click(h, { deploy, context, flagKey: 'new-checkout', channelId: ALERT_CHANNEL, messageTs: '1700000000.000900' });
    expect(answer.status).toBe(200);
    const record = await settled(h, id, 'succeeded');
    await untilJobsFinished(h);
    const seen = flags.calls.map((c) => ({ auth: c.headers.authorization, key: c.headers['idempotency-key'], body: JSON.parse(c.body) as unknown }));
    expect(seen).toEqual([{ auth: 'Bearer flags-token', key: id, body: expect.objectContaining({ flag: 'new-checkout', environment: 'production', enabled: false, service: 'checkout' }) }]);
    expect(record.progress.verification).toMatchObject({ passed: false });
    expect(record.spec.reason).toBe('HighErrorRate: 5xx at 7 %');

    const posts = h.slack.called('chat.postMessage');
    expect(posts.every((p) => p.body.channel === ALERT_CHANNEL && p.body.thread_ts === '1700000000.000900')).toBe(true);
    expect(posts.some((p) => String(p.body.text).includes('Deployment rolled back'))).toBe(false);
    const verification = posts.find((p) => String(p.body.text).startsWith('Verification'));
    expect(JSON.stringify(verification!.body.blocks)).toContain('https://checkout.test/ready — HTTP 503');

    const audit = (await h.redis.lrange(redisKeys(h.prefix).remediationAudit('alert', context.id), 0, -1)).map((l) => JSON.parse(l) as { actor: string; text: string });
    expect(audit[0]).toMatchObject({ actor: RESPONDER, text: expect.stringContaining('asked for the disabling flag new-checkout of checkout in production') });
    expect(audit.map((e) => e.text)).toContain('Verification: 1/2 health checks passing');
  });

  it('one rollback per deploy: the incident thread is told the alert card already started it', async () => {
    const deploy = await seedDeploy(h);
    const incident = await seedIncident(h);
    const { calls } = recordingEndpoint('https://deployer.test', 'post', '/rollback', [[200, {}]], { delayMs: 200 });
    nock('https://checkout.test').get('/health').reply(200).get('/ready').reply(200);
    const alert = { kind: 'alert' as const, id: 'fp-5xx-checkout' };

    await click(h, { deploy, context: alert, channelId: ALERT_CHANNEL });
    await waitFor('alert card action started', async () => (await remediationJobs(h.prefix)).length === 1);
    await click(h, { deploy, context: { kind: 'incident', id: incident.id }, userId: 'U0RESP2' });
    await waitFor('ephemeral answer', () => h.slack.responses.length === 1);
    expect(String(h.slack.responses[0]!.body.text)).toContain('was already started from another alert card by <@U0RESP1>');
    await settled(h, remediationActionId('rollback', alert, deploy.id), 'succeeded');
    await untilJobsFinished(h);
    expect(calls).toHaveLength(1);
    expect(await remediationJobs(h.prefix)).toHaveLength(1);
    expect((await timeline(h, incident.id)).some((e) => e.text.includes('asked again for the rollback'))).toBe(true);
  });

  it('refuses to roll back a deploy that is no longer the latest', async () => {
    const old = await seedDeploy(h, { timestamp: new Date(Date.now() - 60 * 60_000).toISOString() });
    await seedDeploy(h, { version: 'v1.2.4', previousVersion: 'v1.2.3' });
    const incident = await seedIncident(h);
    await click(h, { deploy: old, context: { kind: 'incident', id: incident.id } });
    await waitFor('ephemeral refusal', () => h.slack.responses.length === 1);
    expect(String(h.slack.responses[0]!.body.text)).toContain('checkout was deployed again since (v1.2.4 is the latest in production)');
    expect(await remediationJobs(h.prefix)).toHaveLength(0);
  });

  it('/incident rollback answers with the suspect deploy and a confirmed Rollback button; pressing it rolls back', async () => {
    const deploy = await seedDeploy(h, { strategy: 'canary' });
    const incident = await seedIncident(h, { origin: { suspectDeployId: deploy.id } });
    const answer = await postSigned(h.url, slashCommand({ text: 'rollback', channel_id: INCIDENT_CHANNEL, user_id: RESPONDER }), FORM);
    const reply = answer.json as { response_type: string; text: string; blocks: { type: string; elements?: Record<string, unknown>[] }[] };
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain(`Suspect deploy: *checkout* v1.2.3 (canary, production`);
    const button = reply.blocks.find((b) => b.type === 'actions')!.elements![0]!;
    expect(button).toMatchObject({ action_id: REMEDIATION_ACTIONS.rollback, style: 'danger', text: { text: 'Rollback to v1.2.2' } });
    expect(button.confirm).toMatchObject({
      style: 'danger',
      title: { text: 'Roll back checkout?' },
      text: { text: 'Roll *checkout* back in *production*: *v1.2.3* → *v1.2.2* (canary). Runbook target: under 3 min.' },
    });

    nock('https://deployer.test').post('/rollback').reply(200, {});
    nock('https://checkout.test').get('/health').reply(200).get('/ready').reply(200);
    const context = { kind: 'incident' as const, id: incident.id };
    const body = ephemeralClickBody(clickBody({ deploy, context }));
    expect((await postSigned(h.url, body, FORM)).status).toBe(200);
    await settled(h, remediationActionId('rollback', context, deploy.id), 'succeeded');
    // From an ephemeral message there is no thread: progress goes to the incident channel itself.
    expect(h.slack.called('chat.postMessage').every((p) => p.body.channel === INCIDENT_CHANNEL && p.body.thread_ts === undefined)).toBe(true);
  });

  it('/incident flag off <key> offers a confirmed Disable flag button; others are refused and audited', async () => {
    await seedDeploy(h);
    const incident = await seedIncident(h);
    const answer = await postSigned(h.url, slashCommand({ text: 'flag off new-checkout', channel_id: INCIDENT_CHANNEL, user_id: RESPONDER }), FORM);
    const reply = answer.json as { text: string; blocks: { type: string; elements?: Record<string, unknown>[] }[] };
    expect(reply.text).toContain('Turn flag *new-checkout* (switched on by v1.2.3) off for *checkout* in production?');
    const button = reply.blocks.find((b) => b.type === 'actions')!.elements![0]!;
    expect(button).toMatchObject({ action_id: REMEDIATION_ACTIONS.disableFlag, confirm: { style: 'danger', text: { text: 'Turn *new-checkout* off for *checkout* in *production*.' } } });

    const refused = await postSigned(h.url, slashCommand({ text: 'rollback', channel_id: INCIDENT_CHANNEL, user_id: 'U0STRANGER' }), FORM);
    expect(JSON.stringify(refused.json)).toContain("only checkout's responders may roll it back");
    const usage = await postSigned(h.url, slashCommand({ text: 'flag on new-checkout', channel_id: INCIDENT_CHANNEL }), FORM);
    expect(JSON.stringify(usage.json)).toContain('Usage: `/incident flag off <flag-key>`');
    expect((await timeline(h, incident.id)).find((e) => e.actor === 'U0STRANGER')?.text).toMatch(/^Refused rollback of checkout/);
  });

  it('an incident opened with a suspect deploy gets the buttons in the thread of its initial message, once', async () => {
    const deploy = await seedDeploy(h);
    const values = { [B.title]: textValue('Checkout errors'), [B.severity]: selectValue('P1'), [B.service]: selectValue('checkout'), [B.impact]: textValue('errors') };
    const metadata = JSON.stringify({ origin: { alertName: 'HighErrorRate', suspectDeployId: deploy.id } });
    await postSigned(h.url, viewSubmission({ callbackId: INCIDENT_VIEWS.start, values, privateMetadata: metadata }), FORM);
    await waitFor('remediation offer', () => h.slack.called('chat.postMessage').some((p) => String(p.body.text).includes('Suspect deploy')));
    const initialTs = h.slack.called('pins.add')[0]!.body.timestamp;
    const offers = h.slack.called('chat.postMessage').filter((p) => String(p.body.text).includes('Suspect deploy'));
    expect(offers).toHaveLength(1);
    expect(offers[0]!.body).toMatchObject({ channel: 'C0INC1', thread_ts: initialTs });
    const actions = (offers[0]!.body.blocks as { type: string; elements?: { action_id: string }[] }[]).find((b) => b.type === 'actions')!;
    expect(actions.elements!.map((e) => e.action_id)).toEqual([REMEDIATION_ACTIONS.rollback, REMEDIATION_ACTIONS.disableFlag]);
  });
});
