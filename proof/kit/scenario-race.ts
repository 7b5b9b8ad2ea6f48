import { Queue } from 'bullmq';
import type { Incident } from '../../src/domain/incidents/model';
import { QUEUE_NAMES } from '../../src/outbound/jobs/queues';
import { FORM, postSigned, slashCommand } from '../../test/helpers/slack';
import { postUpdate, resolveIncident, startIncident } from './drive';
import { settle } from './processes';
import { row, type Row } from './table';
import { startWorld, type World } from './world';

const config = (services: number) =>
  `services:\n${Array.from({ length: services }, (_, i) => `  race${i}:\n    channel: "#race${i}"\n    escalation:\n      - { after: 0s, notify: [U0ONCALL] }\n      - { after: 20s, notify: [U0LEAD] }\n    updateEvery: 10m\n`).join('')}`;

/** What went wrong in one trial (empty: consistent). */
type Problem = 'reopened' | 'still indexed open' | 'severity lost' | 'commander lost' | 'update lost' | 'live timers' | 'resolution not once' | 'repeated posts';

async function say(world: World, text: string, channelId: string): Promise<string> {
  const answer = await postSigned(world.url(), slashCommand({ text, channel_id: channelId, user_id: 'U0REPORTER' }), FORM);
  return answer.text;
}

async function liveTimers(queue: Queue, incidentId: string): Promise<number> {
  const jobs = await queue.getJobs(['delayed', 'waiting', 'prioritized']);
  return jobs.filter((job) => job && (job.data as { incidentId?: string }).incidentId === incidentId && job.name !== 'postmortem').length;
}

async function trial(world: World, timers: Queue, index: number): Promise<Problem[]> {
  const title = `Race ${index}`;
  await startIncident(world.url(), { title, severity: 'P2', service: `race${index}` });
  const opened = await world.incidentTitled(title, (i) => i.publication.announcementTs !== undefined || (i.publication.pinned && i.channelId !== undefined));
  const channel = opened.channelId!;
  const [, severity, commander, update] = await Promise.all([
    resolveIncident(world.url(), opened.id),
    say(world, 'severity P0', channel),
    say(world, 'ic <@U0OTHER>', channel),
    postUpdate(world.url(), opened.id, `Trial ${index} update`).then(() => true, () => false),
  ]);
  const inChannel = () => world.slack.posts((m) => m.channel === channel);
  await settle(() => inChannel().some((m) => m.text.includes('Post-incident checklist')), 1500, 30_000);
  const end = (await world.incidents.get(opened.id)) as Incident;
  const problems: Problem[] = [];
  if (end.status !== 'resolved') problems.push('reopened');
  if ((await world.incidents.openForService(`race${index}`))?.id === opened.id || (await world.incidents.list({ status: 'open', limit: 200 })).some((i) => i.id === opened.id)) problems.push('still indexed open');
  if (severity.includes('is now P0') && end.severity !== 'P0') problems.push('severity lost');
  if (commander.includes('is now the incident commander') && end.commanderId !== 'U0OTHER') problems.push('commander lost');
  if (update && end.updateCount < 1) problems.push('update lost');
  if ((await liveTimers(timers, opened.id)) > 0) problems.push('live timers');
  if (inChannel().filter((m) => m.text.includes('RESOLVED')).length !== 1) problems.push('resolution not once');
  const texts = inChannel().map((m) => m.text);
  if (new Set(texts).size !== texts.length) problems.push('repeated posts');
  return problems;
}

/** Resolve, severity, commander and update sent at once to one incident, many times: a consistent end every time. */
export async function raceScenario(quick: boolean): Promise<Row[]> {
  const trials = quick ? 10 : 50;
  const world = await startWorld({ config: config(trials) });
  const timers = new Queue(QUEUE_NAMES.timers, { connection: world.reader, prefix: `${world.prefix}:bull` });
  const tally = new Map<string, number>();
  let consistent = 0;
  let next = 0;
  try {
    const runner = async () => {
      for (let index = next++; index < trials; index = next++) {
        const problems = await trial(world, timers, index);
        if (problems.length === 0) consistent += 1;
        for (const p of problems) tally.set(p, (tally.get(p) ?? 0) + 1);
      }
    };
    await Promise.all([runner(), runner(), runner()]);
    const figures: Record<string, number> = { trials, consistent };
    for (const [problem, n] of tally) figures[problem] = n;
    return [row('concurrent commands', `resolve, severity, commander, update racing (${trials} trials): consistent end state`, consistent === trials, figures)];
  } finally {
    await timers.close();
    await world.close();
  }
}
