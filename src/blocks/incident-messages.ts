import type { KnownBlock } from '@slack/types';
import { format, formatDistanceStrict } from 'date-fns';
import { UTCDate } from '@date-fns/utc';
import type { Incident, IncidentResolution, IncidentUpdate, TimelineEntry } from '../domain/incidents/model';
import { DATA_LOSS_BUTTON, ESCALATION_ACTIONS, ESCALATION_BLOCKS, escalationButtonValue } from './escalation-ids';
import { INCIDENT_ACTIONS, INCIDENT_BLOCKS } from './ids';
import type { SeverityDefinition } from './incident-modals';
import { channelLink, context, joinMd, md, mention, Mrkdwn, section, slackMessage, truncate, truncateMd, type SlackMessage } from './text';

export { textBlocks, type SlackMessage } from './text';

/** Renders a runbook-content template; blocks stay pure by taking it as an argument. Strings are escaped. */
export type RenderTemplate = (id: string, vars: Record<string, string | number | Mrkdwn | undefined>) => Mrkdwn;

const channelOf = (incident: Incident) => (incident.channelId ? channelLink(incident.channelId) : channelLink(incident.channelName));

export const utcTime = (iso: string) => `${format(new UTCDate(iso), 'yyyy-MM-dd HH:mm')} UTC`;

function message(text: Mrkdwn, extra: KnownBlock[] = []): SlackMessage {
  return slackMessage(text, [section(text), ...extra]);
}

export function initialMessage(incident: Incident, render: RenderTemplate, severity: SeverityDefinition, etaMinutes: number): SlackMessage {
  const text = render('slack-initial', {
    service: incident.service ?? 'unassigned service',
    title: incident.title,
    severity: incident.severity,
    severityLabel: severity.label,
    impact: incident.impact,
    commander: mention(incident.commanderId),
    reporter: mention(incident.reporterId),
    channel: channelOf(incident),
    etaMinutes,
    suspect: incident.origin?.verdict || undefined,
  });
  // Data loss risk from the first minute (the template's level 3, at once): the same action, check and
  // recorded steps as on the escalation lines; level 1 lets the commander, level-1 people and responders press it.
  const dataLoss: KnownBlock = {
    type: 'actions',
    block_id: ESCALATION_BLOCKS.initialActions,
    elements: [{ type: 'button', text: { type: 'plain_text', text: DATA_LOSS_BUTTON, emoji: true }, action_id: ESCALATION_ACTIONS.dataLoss, style: 'danger', value: escalationButtonValue({ incidentId: incident.id, level: 1, epoch: 0 }) }],
  };
  return message(text, [context(md`${incident.id} · opened ${utcTime(incident.createdAt)} by ${mention(incident.reporterId)}`), dataLoss]);
}

export function announcementMessage(incident: Incident, render: RenderTemplate): SlackMessage {
  const text = render('announcement', {
    service: incident.service,
    title: incident.title,
    severity: incident.severity,
    channel: channelOf(incident),
    commander: mention(incident.commanderId),
  });
  return slackMessage(text);
}

export function updateMessage(incident: Incident, update: IncidentUpdate, author: string, render: RenderTemplate): SlackMessage {
  const text = render('slack-update', {
    service: incident.service ?? incident.title,
    title: incident.title,
    severity: incident.severity,
    status: update.status,
    rootCause: update.rootCause || undefined,
    actionTaken: update.actionTaken,
    nextUpdate: update.nextUpdate,
    author: mention(author),
  });
  return message(text, [context(md`${incident.id} · update #${incident.updateCount} by ${mention(author)}`)]);
}

export function incidentDuration(incident: Incident): string {
  const end = incident.resolvedAt ?? new Date().toISOString();
  return formatDistanceStrict(new Date(end), new Date(incident.createdAt));
}

export function resolutionMessage(incident: Incident, resolution: IncidentResolution, render: RenderTemplate): SlackMessage {
  const text = render('slack-resolution', {
    service: incident.service ?? incident.title,
    title: incident.title,
    severity: incident.severity,
    startedAt: utcTime(incident.createdAt),
    resolvedAt: utcTime(incident.resolvedAt ?? incident.createdAt),
    duration: incidentDuration(incident),
    rootCause: resolution.rootCause,
    userImpact: resolution.userImpact,
    followUp: resolution.followUp,
    commander: mention(incident.commanderId),
  });
  return message(text);
}

const mrkdwnOption = (value: string) => ({ type: 'mrkdwn' as const, text: truncateMd(md`${value}`, 75).toString() });

export interface ChecklistItemView {
  id: string;
  text: string;
}

/** The post-incident checklist as checkboxes; ticking one is saved and goes on the timeline. */
export function checklistMessage(incident: Incident, items: ChecklistItemView[], checked: string[]): SlackMessage {
  const options = items.slice(0, 10).map((item) => ({ value: truncate(item.id, 150), text: mrkdwnOption(item.text) }));
  const initial = options.filter((o) => checked.includes(o.value));
  // Slack cuts an option at 75 characters: an item longer than that is also given in full below the boxes.
  const cut = items.slice(0, 10).filter((item) => md`${item.text}`.length > 75);
  return {
    text: md`Post-incident checklist for ${incident.id}`.toString(),
    blocks: [
      section(md`*Post-incident checklist* — ${incident.title}`),
      {
        type: 'actions',
        block_id: INCIDENT_BLOCKS.checklist,
        elements: [
          {
            type: 'checkboxes',
            action_id: INCIDENT_ACTIONS.checklistToggle,
            options,
            ...(initial.length > 0 ? { initial_options: initial } : {}),
          },
        ],
      },
      ...(cut.length > 0 ? [context(joinMd(cut.map((item) => md`• ${item.text}`)))] : []),
    ],
  };
}

export function statusText(incident: Incident, now: Date): Mrkdwn {
  const lines = [
    md`*${incident.id}: ${incident.title}*`,
    md`• Severity: ${incident.severity}   • Status: ${incident.status === 'open' ? incident.workStatus : 'Resolved'}`,
    md`• Service: ${incident.service ?? '—'}   • Commander: ${mention(incident.commanderId)}`,
    md`• Opened ${utcTime(incident.createdAt)} (${formatDistanceStrict(now, new Date(incident.createdAt))} ago)`,
    incident.lastUpdateAt ? md`• Last update ${formatDistanceStrict(now, new Date(incident.lastUpdateAt))} ago` : md`• No update posted yet`,
    md`• Channel: ${channelOf(incident)}`,
  ];
  if (incident.rootCause) lines.push(md`• Root cause: ${incident.rootCause}`);
  return joinMd(lines);
}

export function listText(incidents: Incident[], now: Date): Mrkdwn {
  if (incidents.length === 0) return md`No open incidents. :white_check_mark:`;
  return joinMd([
    md`*Open incidents (${incidents.length})*`,
    ...incidents.map(
      (i) =>
        md`• ${i.severity} ${i.id} ${channelOf(i)} — ${i.title} (${i.workStatus}, ${formatDistanceStrict(now, new Date(i.createdAt))}, IC ${mention(i.commanderId)})`,
    ),
  ]);
}

export function timelineText(incident: Incident, entries: TimelineEntry[]): Mrkdwn {
  return joinMd([
    md`*Timeline of ${incident.id}* (${entries.length} entries, UTC)`,
    ...entries.map((e) => md`\`${format(new UTCDate(e.at), 'MM-dd HH:mm:ss')}\` ${mention(e.actor)} — ${e.text}`),
  ]);
}
