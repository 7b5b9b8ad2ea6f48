import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { command, dmsTo, startBot, type Bot } from '../escalation/helpers';
import { resolveIncidentViaSlack, startIncidentViaSlack } from '../../helpers/incidents';
import { redisUrl, sleep, waitFor } from '../../helpers/harness';
import { FORM, postSigned, selectValue, textValue, viewSubmission } from '../../helpers/slack';

/**
 * Two replicas on one Redis prefix and one fake Slack: `/incident resolve` on one racing
 * `/incident severity P0`, `/incident ic` and an update on the other always ends resolved, with no
 * escalation timer left armed and nobody paged for a P0 that never was in force before the resolve.
 */
const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
      - { after: 30m, notify: [U0LEAD] }
      - { after: 1h, notify: [U0CTO] }
`;
const TRIALS = 8;

/** Ids of this incident's escalation and update-reminder jobs still waiting in BullMQ. */
async function armedTimers(bot: Bot, incidentId: string): Promise<string[]> {
  const delayed = await bot.redis.zrange(`${bot.prefix}:bull:timers:delayed`, 0, -1);
  return delayed.filter((id) => id.startsWith(`esc-${incidentId}-`) || id.startsWith(`upd-${incidentId}-`));
}

/** An update-modal submission; refused (with the reason in the modal) when the incident is resolved first. */
async function updateViaSlack(bot: Bot, incidentId: string): Promise<void> {
  const values = { [B.status]: selectValue('Identified'), [B.actionTaken]: textValue('Rolled back'), [B.nextUpdate]: textValue('soon') };
  const answer = await postSigned(bot.url, viewSubmission({ callbackId: INCIDENT_VIEWS.update, privateMetadata: JSON.stringify({ incidentId }), values }), FORM);
  if (answer.status !== 200 || (answer.text !== '' && !answer.text.includes('already resolved'))) throw new Error(`update: ${answer.status} ${answer.text}`);
}

const incidentDoc = async (bot: Bot, id: string) => JSON.parse((await bot.redis.get(`${bot.prefix}:{incident:${id}}`)) ?? '{}') as Record<string, unknown>;

describe('replicas racing on one incident', () => {
  let a: Bot;
  let b: Bot;
  let events: Queue | undefined;
  let eventsConnection: Redis | undefined;
  afterEach(async () => {
    if (events) {
      await events.close();
      await eventsConnection?.quit();
      events = undefined;
    }
    await b?.close({ keepData: true, keepSlack: true });
    await a?.close();
  });

  it(`resolve vs severity P0, commander and update: resolved stays resolved, nothing re-armed (${TRIALS} trials)`, async () => {
    a = await startBot({ config: CONFIG });
    b = await startBot({ config: CONFIG, prefix: a.prefix, slack: a.slack });
    eventsConnection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    events = new Queue('incident-events', { connection: eventsConnection, prefix: `${a.prefix}:bull` });
    let p0BeforeResolve = 0;
    for (let trial = 1; trial <= TRIALS; trial++) {
      const id = `INC-${trial}`;
      const channel = await startIncidentViaSlack(a, { title: `Race ${trial}`, severity: 'P2', service: 'checkout' });
      await waitFor('level 1 paged', () => dmsTo(a.slack, 'U0ONCALL').length === trial);
      const racing = [
        resolveIncidentViaSlack(trial % 2 ? a : b, id),
        command(trial % 2 ? b : a, 'severity P0', channel),
        command(b, 'ic <@U0NEWIC>', channel),
        updateViaSlack(a, id),
      ];
      await Promise.all(trial % 3 ? racing : racing.reverse());
      await waitFor('resolved', async () => (await incidentDoc(a, id)).status === 'resolved');
      // Let every incident event job run (the resolution posts last).
      await waitFor('event jobs done', async () => {
        const counts = await events!.getJobCounts('wait', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((n) => n === 0);
      });
      await sleep(300);

      expect({ trial, status: (await incidentDoc(a, id)).status }).toEqual({ trial, status: 'resolved' });
      expect({ trial, armed: await armedTimers(a, id) }).toEqual({ trial, armed: [] });
      const timeline = (await a.redis.lrange(`${a.prefix}:{incident:${id}}:timeline`, 0, -1)).map((line) => JSON.parse(line) as { kind: string });
      const kinds = timeline.map((t) => t.kind);
      // Nothing is stored after the resolution but what happens to a resolved incident.
      const changesAfter = kinds.slice(kinds.indexOf('resolved') + 1).filter((k) => ['severity', 'commander', 'update', 'reopened'].includes(k));
      expect({ trial, changesAfter }).toEqual({ trial, changesAfter: [] });
      expect(kinds.filter((k) => k === 'resolved')).toHaveLength(1);
      if (kinds.includes('severity') && kinds.indexOf('severity') < kinds.indexOf('resolved')) p0BeforeResolve += 1;
    }
    // The lead (level 2, at once for P0) is paged at most in trials where P0 was stored before the resolution.
    expect(dmsTo(a.slack, 'U0LEAD').length).toBeLessThanOrEqual(p0BeforeResolve);
    expect(dmsTo(a.slack, 'U0CTO')).toHaveLength(0);
  });

  it('the same modal submitted to two replicas at once opens one incident with one number and one channel', async () => {
    a = await startBot({ config: CONFIG });
    b = await startBot({ config: CONFIG, prefix: a.prefix, slack: a.slack });
    for (let trial = 1; trial <= 5; trial++) {
      const values = { [B.title]: textValue('Double submit'), [B.severity]: selectValue('P2'), [B.impact]: textValue('errors'), [B.service]: selectValue('checkout') };
      const body = viewSubmission({ callbackId: INCIDENT_VIEWS.start, values, viewId: `VDOUBLE${trial}` });
      const answers = await Promise.all([postSigned(a.url, body, FORM), postSigned(b.url, body, FORM), postSigned(a.url, body, FORM)]);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      await waitFor('channel made', () => a.slack.called('conversations.create').length >= trial);
    }
    await sleep(500);
    expect(a.slack.called('conversations.create')).toHaveLength(5);
    expect(Number(await a.redis.get(`${a.prefix}:{incidents}:seq`))).toBe(5);
    expect(await a.redis.zcard(`${a.prefix}:{incidents}:all`)).toBe(5);
    expect(await a.redis.hlen(`${a.prefix}:{incidents}:channel-names`)).toBe(5);
  });
});
