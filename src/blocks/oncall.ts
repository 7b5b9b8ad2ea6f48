import { formatDistanceStrict } from 'date-fns';
import type { Incident } from '../domain/incidents/model';
import type { ExternalBoardEntry, OnCallNow } from '../domain/oncall/model';
import type { Handoff, StaleTarget } from '../domain/oncall/service';
import { code, EMPTY, joinMd, md, mention, Mrkdwn, slackDate, slackMessage, type SlackMessage } from './text';

const PROVIDERS: Record<string, string> = { pagerduty: 'PagerDuty schedule', opsgenie: 'Opsgenie schedule' };
const provider = (kind: string) => (Object.hasOwn(PROVIDERS, kind) ? PROVIDERS[kind]! : kind);
const who = (userId: string | undefined) => (userId ? mention(userId) : md`nobody`);
/** Slack renders `<!date^…>` in the reader's own time zone; the fallback is UTC. */
const when = (at: Date) => slackDate(at);

/** `/incident oncall`: per rotation, who is on call now, until when, and who is next; then the external schedules. */
export function onCallBoardText(board: { rotations: OnCallNow[]; external: ExternalBoardEntry[] }, now: Date): Mrkdwn {
  if (board.rotations.length === 0 && board.external.length === 0) return md`No rotations are configured (config \`oncall.rotations\`), and no PagerDuty or Opsgenie schedule is named.`;
  const external = board.external.map((entry) => {
    const [kind = '', ...rest] = entry.target.split(':');
    const name = md`*${provider(kind)} ${rest.join(':')}*`;
    const people = entry.users.length > 0 ? joinMd(entry.users.map((u) => who(u)), ', ') : md`nobody found in Slack`;
    const until = entry.until ? md` until ${when(new Date(entry.until))} (${formatDistanceStrict(new Date(entry.until), now)})` : EMPTY;
    const stale = entry.stale ? md` — :warning: could not be asked (${entry.stale.error}), last known answer` : EMPTY;
    return md`• ${name}: ${people}${until}${stale}`;
  });
  const lines = board.rotations.map((entry) => {
    const name = md`*${entry.rotation}*`;
    const override = entry.override ? md` (override by ${mention(entry.override.by)})` : EMPTY;
    if (!entry.until) return md`• ${name}: ${who(entry.userId)}${override}, no handoff ahead`;
    const left = formatDistanceStrict(entry.until, now);
    return md`• ${name}: ${who(entry.userId)}${override} until ${when(entry.until)} (${left}), then ${who(entry.next)}`;
  });
  return joinMd([md`*Who is on call*`, ...lines, ...external]);
}

export function overrideReplyText(rotation: string, userId: string, until: Date): Mrkdwn {
  return md`${mention(userId)} is on call for *${rotation}* until ${when(until)}.`;
}

export function handoffMessage(handoff: Handoff): SlackMessage {
  return slackMessage(md`:arrows_counterclockwise: On-call handoff in *${handoff.rotation}*: ${who(handoff.to)} is now on call${handoff.from ? md` (was ${who(handoff.from)})` : EMPTY}.`);
}

export function staleScheduleMessage(stale: StaleTarget): SlackMessage {
  const [kind = '', ...rest] = stale.target.split(':');
  const name = md`${provider(kind)} ${code(rest.join(':'))}`;
  const fallback = stale.knownAt ? md`paging the last known on-call (as of ${when(new Date(stale.knownAt))})` : md`there is no earlier answer, so nobody was paged from it`;
  return slackMessage(md`:warning: ${name} could not be asked (${stale.error}); ${fallback}.`);
}

export function pagerdutyFailureMessage(incident: Incident, action: string, error: string): SlackMessage {
  return slackMessage(md`:warning: PagerDuty could not be told to ${action} the alert of ${incident.id} (${error}). Do it in PagerDuty by hand.`);
}
