import { formatDistanceStrict } from 'date-fns';
import type { Incident } from '../domain/incidents/model';
import type { ExternalBoardEntry, OnCallNow } from '../domain/oncall/model';
import type { Handoff, StaleTarget } from '../domain/oncall/service';
import type { SlackMessage } from './incident-messages';
import { escapeMrkdwn, section } from './text';

const PROVIDERS: Record<string, string> = { pagerduty: 'PagerDuty schedule', opsgenie: 'Opsgenie schedule' };
const who = (userId: string | undefined) => (userId ? `<@${userId}>` : 'nobody');
/** Slack renders `<!date^…>` in the reader's own time zone; the fallback is UTC. */
const when = (at: Date) => `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${at.toISOString().replace('.000Z', 'Z')}>`;

/** `/incident oncall`: per rotation, who is on call now, until when, and who is next; then the external schedules. */
export function onCallBoardText(board: { rotations: OnCallNow[]; external: ExternalBoardEntry[] }, now: Date): string {
  if (board.rotations.length === 0 && board.external.length === 0) return 'No rotations are configured (config `oncall.rotations`), and no PagerDuty or Opsgenie schedule is named.';
  const external = board.external.map((entry) => {
    const [kind = '', ...rest] = entry.target.split(':');
    const name = `*${PROVIDERS[kind] ?? kind} ${escapeMrkdwn(rest.join(':'))}*`;
    const people = entry.users.length > 0 ? entry.users.map((u) => who(u)).join(', ') : 'nobody found in Slack';
    const until = entry.until ? ` until ${when(new Date(entry.until))} (${formatDistanceStrict(new Date(entry.until), now)})` : '';
    const stale = entry.stale ? ` — :warning: could not be asked (${escapeMrkdwn(entry.stale.error)}), last known answer` : '';
    return `• ${name}: ${people}${until}${stale}`;
  });
  const lines = board.rotations.map((entry) => {
    const name = `*${escapeMrkdwn(entry.rotation)}*`;
    const override = entry.override ? ` (override by <@${entry.override.by}>)` : '';
    if (!entry.until) return `• ${name}: ${who(entry.userId)}${override}, no handoff ahead`;
    const left = formatDistanceStrict(entry.until, now);
    return `• ${name}: ${who(entry.userId)}${override} until ${when(entry.until)} (${left}), then ${who(entry.next)}`;
  });
  return ['*Who is on call*', ...lines, ...external].join('\n');
}

export function overrideReplyText(rotation: string, userId: string, until: Date): string {
  return `<@${userId}> is on call for *${escapeMrkdwn(rotation)}* until ${when(until)}.`;
}

export function handoffMessage(handoff: Handoff): SlackMessage {
  const text = `:arrows_counterclockwise: On-call handoff in *${escapeMrkdwn(handoff.rotation)}*: ${who(handoff.to)} is now on call${handoff.from ? ` (was ${who(handoff.from)})` : ''}.`;
  return { text, blocks: [section(text)] };
}

export function staleScheduleMessage(stale: StaleTarget): SlackMessage {
  const [kind = '', ...rest] = stale.target.split(':');
  const name = `${PROVIDERS[kind] ?? kind} \`${escapeMrkdwn(rest.join(':'))}\``;
  const fallback = stale.knownAt ? `paging the last known on-call (as of ${when(new Date(stale.knownAt))})` : 'there is no earlier answer, so nobody was paged from it';
  const text = `:warning: ${name} could not be asked (${escapeMrkdwn(stale.error)}); ${fallback}.`;
  return { text, blocks: [section(text)] };
}

export function pagerdutyFailureMessage(incident: Incident, action: string, error: string): SlackMessage {
  const text = `:warning: PagerDuty could not be told to ${action} the alert of ${incident.id} (${escapeMrkdwn(error)}). Do it in PagerDuty by hand.`;
  return { text, blocks: [section(text)] };
}
