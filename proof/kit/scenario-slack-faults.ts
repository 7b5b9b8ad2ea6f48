import { postUpdate, resolveIncident, startIncident } from './drive';
import { settle, sleep } from './processes';
import type { ShownMessage } from './slack-recorder';
import { row, type Row } from './table';
import { startWorld } from './world';

const CONFIG = `
announcements: "#incidents"
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
`;

const count = (messages: ShownMessage[], text: string) => messages.filter((m) => m.text.includes(text)).length;

/**
 * Slack answers 500 and 429 (Retry-After 1) to every call for a window while an incident is started,
 * updated and resolved; the announcements channel fails for good (not_in_channel). Each message once.
 */
export async function slackFaultsScenario(quick: boolean): Promise<Row[]> {
  const windowMs = quick ? 6_000 : 30_000;
  const world = await startWorld({ config: CONFIG });
  let faulted = 0;
  let until = 0;
  world.faults = (method, body) => {
    if (method === 'chat.postMessage' && body.channel === '#incidents') return { error: 'not_in_channel' };
    if (Date.now() >= until) return undefined;
    faulted += 1;
    return faulted % 2 === 0 ? { http: 500 } : { http: 429, retryAfter: 1 };
  };
  try {
    until = Date.now() + windowMs;
    const title = 'Slack outage drill';
    await startIncident(world.url(), { title, severity: 'P1', service: 'checkout' });
    const incident = await world.incidentTitled(title);
    await sleep(Math.min(1000, windowMs / 4));
    await postUpdate(world.url(), incident.id, 'Restarted the pods');
    await sleep(Math.min(1000, windowMs / 4));
    await resolveIncident(world.url(), incident.id);
    const windowEnd = until;
    const channelId = (await world.incidentTitled(title, (i) => i.channelId !== undefined)).channelId;
    const inChannel = () => world.slack.posts((m) => m.channel === channelId);
    await settle(() => count(inChannel(), 'Post-incident checklist') >= 1 && count(inChannel(), 'UPDATE') >= 1, 3000, quick ? 90_000 : 180_000);
    const lastPost = Math.max(0, ...world.slack.messages.map((m) => m.postedAt));
    const want = { initial: count(inChannel(), 'INCIDENT'), update: count(inChannel(), 'UPDATE'), resolution: count(inChannel(), 'RESOLVED'), checklist: count(inChannel(), 'Post-incident checklist') };
    const dms = world.slack.posts((m) => m.channel === 'D0U0ONCALL').length;
    const toFailing = world.slack.calls.filter((c) => c.body.channel === '#incidents');
    const failingMessages = new Set(toFailing.map((c) => String(c.body.text))).size;
    const told = inChannel().some((m) => m.text.includes('#incidents') || m.text.includes('not_in_channel'));
    const others = world.slack.calls.filter((c) => c.outcome === 'http500' || c.outcome === 'http429');
    const once = Object.values(want).every((n) => n === 1) && dms <= 1 && world.slack.duplicates().length === 0;
    const seconds = `${windowMs / 1000} s`;
    return [
      row('Slack 500/429', `Slack failing ${seconds} during start, update, resolve: each message once`, once, {
        'failed answers': others.length,
        'initial/update/resolution/checklist (want 1 each)': Object.values(want).join('/'),
        'level-1 DMs (at most 1)': dms,
        'repeated posts': world.slack.duplicates().length,
        'last post after outage (s)': Math.max(0, (lastPost - windowEnd) / 1000).toFixed(1),
      }),
      row('Slack 500/429', 'one channel failing for good (not_in_channel): each message tried once, the rest unaffected', once && toFailing.length === failingMessages, {
        'messages for the failing channel': failingMessages,
        'calls to it': toFailing.length,
        'told in the incident channel': told ? 'yes' : 'no',
      }),
    ];
  } finally {
    await world.close();
  }
}
