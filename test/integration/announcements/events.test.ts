import nock from 'nock';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { redisKeys } from '../../../src/lib/keys';
import { RedisDeployStore } from '../../../src/outbound/store/deploy-store';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { click, seedIncident, serviceConfig, settled } from '../../helpers/remediation';
import { githubHeaders, postWebhook, recentFixture } from '../../helpers/webhooks';
import { FakePrometheus, PROMETHEUS, postDeploy } from '../guard/helpers';
import { announcementsSettled, topPosts } from './helpers';

/** Deploy events of each sender announced in the service's deploy channel, in the deployment runbook's wording. */

const DEPLOYS = '#checkout-deploys';
const FALLBACK = '#deploys';

const CONFIG = `
deployAnnouncements: "${FALLBACK}"
github:
  repositories: { acme/checkout-service: checkout }
argocd:
  applications: { checkout-prod: checkout }
services:
  checkout:
    channel: "#checkout-alerts"
    deployChannel: "${DEPLOYS}"
    responders: [U0RESP1]
    escalation:
      - { after: 0m, notify: [U0ONCALL] }
    guard: { mode: propose, prometheus: "${PROMETHEUS}", every: 1s }
  payments:
    channel: "#payments-alerts"
  search:
    channel: "#search-alerts"
    environment: staging
`;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const posts = topPosts;

describe('deploy announcements per channel', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ config: CONFIG });
    new FakePrometheus();
  });
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  it('generic: started, succeeded, failed and rolled back, each once, with the runbook’s details', async () => {
    await postDeploy(h, { status: 'started', timestamp: minutesAgo(6), url: 'https://ci.test/runs/7' });
    await waitFor('the started post', () => posts(h, DEPLOYS).length === 1);
    const started = posts(h, DEPLOYS)[0]!;
    expect(started).toContain(':rocket: *Deploying checkout v1.2.3 to production*');
    expect(started).toContain('• *Replacing:* v1.2.2');
    expect(started).toContain('• *Strategy:* blue-green');
    expect(started).toContain('• *Shipped by:* alice');
    expect(started).toContain('• *Rollback plan:* switch traffic back to the previous colour, back to v1.2.2 (target: under 2 min)');
    expect(started).toContain('• *On call:* <@U0ONCALL>');
    expect(started).toContain("Once it is live, Firebreak's guard watches error rate, p95 latency and health checks for 30 min.");
    expect(started).toContain('_Roll back at once, by hand, if data looks corrupt, a security hole shipped or a critical feature is broken._');
    expect(started).toContain('<https://ci.test/runs/7|Deploy details>');

    await postDeploy(h, { status: 'succeeded', timestamp: minutesAgo(1) });
    await waitFor('the succeeded post', () => posts(h, DEPLOYS).length === 2);
    const live = posts(h, DEPLOYS)[1]!;
    expect(live).toContain(':white_check_mark: *checkout v1.2.3 is live in production*');
    expect(live).toContain('• *Took:* 5 min');
    expect(live).toContain("Firebreak's guard is watching error rate, p95 latency and health checks for 30 min; its verdict follows in this thread.");

    await postDeploy(h, { version: 'v1.2.4', previousVersion: 'v1.2.3', status: 'failed', timestamp: minutesAgo(0.5) });
    await postDeploy(h, { status: 'rolled_back', timestamp: minutesAgo(0.2), actor: 'bob' });
    await waitFor('failed and rolled back', () => posts(h, DEPLOYS).length === 4);
    expect(posts(h, DEPLOYS)[2]).toContain(':x: *Deploy of checkout v1.2.4 to production failed*');
    expect(posts(h, DEPLOYS)[2]).toContain('• *Still serving:* v1.2.3');
    expect(posts(h, DEPLOYS)[3]).toContain(':warning: *Deployment rolled back: checkout v1.2.3 → v1.2.2*');
    expect(posts(h, DEPLOYS)[3]).toContain('• *Reason:* reported by the deploy webhook');
    expect(posts(h, DEPLOYS)[3]).toContain('• *Rolled back by:* bob');

    // A sender's resend is the same event: nothing new.
    await postDeploy(h, { status: 'rolled_back', timestamp: minutesAgo(0.2), actor: 'bob' });
    await announcementsSettled(h);
    expect(posts(h, DEPLOYS)).toHaveLength(4);
    expect(posts(h, FALLBACK)).toEqual([]);
  });

  it('GitHub deployment_status and Argo CD are announced too; outside text is escaped', async () => {
    const raw = JSON.stringify(recentFixture('github/deployment-status-success.json'));
    expect((await postWebhook(h.url, 'github', raw, githubHeaders(raw, 'deployment_status', 'ann-1'))).status).toBe(202);
    await waitFor('the GitHub deploy', () => posts(h, DEPLOYS).length === 1);
    expect(posts(h, DEPLOYS)[0]).toContain('*checkout v1.2.3 is live in production*');
    expect(posts(h, DEPLOYS)[0]).toContain('• *Strategy:* canary');
    expect(posts(h, DEPLOYS)[0]).toContain('• *Rollback plan:* move all traffic off the canary, back to v1.2.2 (target: under 3 min)');

    const argo = { ...recentFixture<Record<string, unknown>>('argocd/deployed.json'), actor: '<!channel> & <@U0EVIL>' };
    expect((await postWebhook(h.url, 'argocd', argo)).status).toBe(202);
    await waitFor('the Argo CD deploy', () => posts(h, DEPLOYS).length === 2);
    const text = posts(h, DEPLOYS)[1]!;
    expect(text).toContain('*checkout 9f3c1e2a7b4d5c6e8f9a0b1c2d3e4f5a6b7c8d9e is live in production*');
    expect(text).toContain('• *Shipped by:* &lt;!channel&gt; &amp; &lt;@U0EVIL&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('a service without its own channel uses deployAnnouncements; other environments are not announced', async () => {
    const answer = await postWebhook(h.url, 'deploy', { service: 'payments', environment: 'production', version: 'v9', previousVersion: 'v8', strategy: 'rolling', status: 'succeeded', timestamp: minutesAgo(1) });
    expect(answer.status).toBe(202);
    await postWebhook(h.url, 'deploy', { service: 'checkout', environment: 'staging', version: 'v2', strategy: 'direct', status: 'succeeded', timestamp: minutesAgo(1) });
    await postWebhook(h.url, 'deploy', { service: 'search', environment: 'staging', version: 's1', strategy: 'direct', status: 'started', timestamp: minutesAgo(1) });
    await waitFor('the payments post', () => posts(h, FALLBACK).length === 2);
    await announcementsSettled(h);
    expect(posts(h, FALLBACK)[0]).toContain('*payments v9 is live in production*');
    expect(posts(h, FALLBACK)[0]).toContain('• *Rollback plan:* deploy the previous version again, back to v8 (target: under 5 min)');
    // payments has no guard: no watch promised.
    expect(posts(h, FALLBACK)[0]).not.toContain('watching');
    expect(posts(h, FALLBACK)[1]).toContain('*Deploying search s1 to staging*');
    expect(posts(h, DEPLOYS)).toEqual([]);
  });
});

describe('deploy announcements after a rollback Firebreak ran', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: `${serviceConfig()}    deployChannel: "${DEPLOYS}"\n` });
  });
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  it('the rollback written into the deploy history is announced as rolled back, once', async () => {
    const deployId = await postDeploy(h, { status: 'succeeded', timestamp: minutesAgo(5) });
    await waitFor('the succeeded post', () => posts(h, DEPLOYS).length === 1);
    const incident = await seedIncident(h);
    nock('https://deployer.test').post('/rollback').reply(200, { message: 'switched back' });
    nock('https://checkout.test').get('/health').reply(200, 'ok').get('/ready').reply(200, 'ok');
    const context = { kind: 'incident' as const, id: incident.id };
    const stored = (await new RedisDeployStore(h.redis, redisKeys(h.prefix)).get(deployId))!;
    expect((await click(h, { deploy: stored, context })).status).toBe(200);
    await settled(h, remediationActionId('rollback', context, deployId), 'succeeded');
    await waitFor('the rolled back post', () => posts(h, DEPLOYS).length === 2);
    const text = posts(h, DEPLOYS)[1]!;
    expect(text).toContain(':warning: *Deployment rolled back: checkout v1.2.3 → v1.2.2*');
    expect(text).toContain('• *Reason:* rolled back through Firebreak');
    expect(text).toContain('• *Rolled back by:* <@U0RESP1>');
    await announcementsSettled(h);
    expect(posts(h, DEPLOYS)).toHaveLength(2);
  });
});
