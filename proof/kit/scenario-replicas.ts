import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../src/blocks/ids';
import { FORM, postSigned, selectValue, textValue, viewSubmission } from '../../test/helpers/slack';
import { alert, postWebhook } from './drive';
import { settle, sleep } from './processes';
import type { ShownMessage } from './slack-recorder';
import { row, type Row } from './table';
import { startWorld, type World } from './world';

const config = (services: number) => `
alerts:
  autoStart: { severities: [critical], suspect: any }
services:
${Array.from({ length: services }, (_, i) => `  svc${i}:\n    channel: "#svc${i}-alerts"\n    escalation:\n      - { after: 0s, notify: [U0ONCALL, S0TEAM] }\n      - { after: 3s, notify: [U0LEAD] }\n`).join('')}`;

/** "user|incident|level" of an escalation DM, read from its Acknowledge button. */
function dmKey(message: ShownMessage): string | undefined {
  const blocks = (message.blocks ?? []) as { elements?: { text?: { text?: string }; value?: string }[] }[];
  const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.text?.text === 'Acknowledge');
  if (!button?.value) return undefined;
  const value = JSON.parse(button.value) as { incidentId: string; level: number };
  return `${message.channel.slice(2)}|${value.incidentId}|${value.level}`;
}

async function incidentCount(world: World): Promise<number> {
  return (await world.incidents.list({ status: 'all', limit: 500 })).length;
}

/**
 * Three bot processes on one Redis; each trigger (a critical alert that starts an incident by
 * policy, sent twice to each replica; a modal submission, sent twice to each) reaches every replica at once. One incident per trigger, one DM per person per level.
 */
export async function replicasScenario(quick: boolean): Promise<Row[]> {
  const triggers = quick ? 3 : 10;
  const world = await startWorld({ config: config(2 * triggers), replicas: 3, groups: { S0TEAM: ['U0A', 'U0B'] } });
  try {
    const startsAt = new Date().toISOString();
    const statuses = await Promise.all(
      Array.from({ length: triggers }, (_, i) => i).flatMap((i) =>
        [...world.bots, ...world.bots].map((bot) => postWebhook(bot.url, 'alert', alert(7000 + i, { service: `svc${i}`, severity: 'critical', startsAt }))),
      ),
    );
    // The same modal submission (one view id) delivered to every replica at once.
    const submissions = await Promise.all(
      Array.from({ length: triggers }, (_, i) => i).flatMap((i) => {
        const values = { [B.title]: textValue(`Typed ${i}`), [B.severity]: selectValue('P2'), [B.impact]: textValue('Errors'), [B.service]: selectValue(`svc${triggers + i}`) };
        const body = viewSubmission({ callbackId: INCIDENT_VIEWS.start, values, viewId: `VPROOF${i}` });
        return [...world.bots, ...world.bots].map((bot) => postSigned(bot.url, body, FORM).then((a) => a.status));
      }),
    );
    statuses.push(...submissions.map((s) => (s === 200 ? 202 : s)));
    const dms = () => world.slack.posts((m) => m.channel.startsWith('D0'));
    const wantDms = 2 * triggers * 4; // level 1: U0ONCALL, U0A, U0B; level 2: U0LEAD
    await settle(() => dms().length >= wantDms, 3000, 60_000);
    await sleep(1000);
    const incidents = await incidentCount(world);
    const created = world.slack.calls.filter((c) => c.method === 'conversations.create' && c.outcome === 'ok').length;
    const numbers = Number(await world.reader.get(`${world.prefix}:{incidents}:seq`));
    const names = await world.reader.hlen(`${world.prefix}:{incidents}:channel-names`);
    const perKey = new Map<string, number>();
    for (const m of dms()) {
      const key = dmKey(m) ?? `unparsed|${m.ts}`;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    const repeated = [...perKey.values()].filter((n) => n > 1).length;
    return [
      row('3 replicas', `one incident per trigger (${2 * triggers}: critical alerts sent twice to each replica, modal submissions sent twice to each)`, statuses.every((s) => s === 202) && [incidents, created, numbers, names].every((n) => n === 2 * triggers), {
        incidents,
        'channels created': created,
        'numbers spent': numbers,
        'channel names spent': names,
        'non-202 answers': statuses.filter((s) => s !== 202).length,
      }),
      row('3 replicas', 'one DM per person per level', perKey.size === wantDms && repeated === 0, {
        [`DMs (want ${wantDms})`]: dms().length,
        'person×level pairs': perKey.size,
        repeated,
      }),
    ];
  } finally {
    await world.close();
  }
}
