import nock from 'nock';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { waitFor } from '../../helpers/harness';
import { click, seedDeploy, serviceConfig, settled } from '../../helpers/remediation';
import { postWebhook } from '../../helpers/webhooks';
import { dmsTo, startIncident, type Bot } from '../escalation/helpers';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** checkout with an escalation ladder whose second level is a delayed timer due `after`. */
export const levelTwoAfter = (after: string) => serviceConfig().replace('{ after: 30m, notify: [U0LEAD] }', `{ after: ${after}, notify: [U0LEAD] }`);

/** Post until accepted: while a master fails over the bot answers 503 so senders retry, as Alertmanager does. */
export async function postAlert(bot: Bot, name: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(`alert ${name} accepted`, async () => (await postWebhook(bot.url, 'alert', { service: 'checkout', name, startsAt: minutesAgo(1) })).status === 202, timeoutMs);
}

/** An alert shown as a card, then an incident opened by hand and its level-1 page sent. */
export async function openIncidentFromAlert(bot: Bot): Promise<void> {
  bot.slack.on('usergroups.users.list', () => ({ ok: true, users: ['U0ONCALL'] }));
  await postAlert(bot, 'HighErrorRate');
  await waitFor('alert card in #checkout-alerts', () => bot.slack.postsTo('#checkout-alerts').length > 0);
  await startIncident(bot, { severity: 'P2' });
  await waitFor('level 1 DM', () => dmsTo(bot.slack, 'U0ONCALL').length === 1);
}

/** A rollback clicked on `incidentId`, run by the remediation worker to success. */
export async function rollback(bot: Bot, incidentId: string): Promise<void> {
  const deploy = await seedDeploy(bot);
  const calls = nock('https://deployer.test').post('/rollback').reply(200, { message: 'switched traffic back to blue' });
  const health = nock('https://checkout.test').get('/health').reply(200, 'ok').get('/ready').reply(200, 'ok');
  const answer = await click(bot, { deploy, context: { kind: 'incident', id: incidentId } });
  expect(answer.status).toBe(200);
  await settled(bot, remediationActionId('rollback', { kind: 'incident', id: incidentId }, deploy.id), 'succeeded', 20_000);
  expect(calls.isDone()).toBe(true);
  expect(health.isDone()).toBe(true);
}
