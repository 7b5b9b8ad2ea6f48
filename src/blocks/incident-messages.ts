import type { KnownBlock } from '@slack/types';
import { format, formatDistanceStrict } from 'date-fns';
import { UTCDate } from '@date-fns/utc';
import type { Incident, IncidentResolution, IncidentUpdate, TimelineEntry } from '../domain/incidents/model';
import { INCIDENT_ACTIONS, INCIDENT_BLOCKS } from './ids';
import type { SeverityDefinition } from './incident-modals';
import { channelLink, context, escapeMrkdwn, mention, section, truncate } from './text';

/** Renders a runbook-content template; blocks stay pure by taking it as an argument. */
export type RenderTemplate = (id: string, vars: Record<string, string | number | undefined>) => string;

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export const utcTime = (iso: string) => `${format(new UTCDate(iso), 'yyyy-MM-dd HH:mm')} UTC`;

function message(text: string, extra: KnownBlock[] = []): SlackMessage {
  return { text: truncate(text, 3000), blocks: [section(text), ...extra] };
}

export function initialMessage(incident: Incident, render: RenderTemplate, severity: SeverityDefinition, etaMinutes: number): SlackMessage {
  const text = render('slack-initial', {
    service: incident.service ?? 'unassigned service',
    title: escapeMrkdwn(incident.title),
    severity: incident.severity,
    severityLabel: severity.label,
    impact: escapeMrkdwn(incident.impact),
    commander: mention(incident.commanderId),
    reporter: mention(incident.reporterId),
    channel: incident.channelId ? channelLink(incident.channelId) : `#${incident.channelName}`,
    etaMinutes,
    suspect: incident.origin?.verdict ? escapeMrkdwn(incident.origin.verdict) : undefined,
  });
  return message(text, [context(`${incident.id} · opened ${utcTime(incident.createdAt)} by ${mention(incident.reporterId)}`)]);
}

export function announcementMessage(incident: Incident, render: RenderTemplate): SlackMessage {
  const text = render('announcement', {
    service: incident.service,
    title: escapeMrkdwn(incident.title),
    severity: incident.severity,
    channel: incident.channelId ? channelLink(incident.channelId) : `#${incident.channelName}`,
    commander: mention(incident.commanderId),
  });
  return { text, blocks: [section(text)] };
}

export function updateMessage(incident: Incident, update: IncidentUpdate, author: string, render: RenderTemplate): SlackMessage {
  const text = render('slack-update', {
    service: incident.service ?? incident.title,
    title: escapeMrkdwn(incident.title),
    severity: incident.severity,
    status: update.status,
    rootCause: update.rootCause ? escapeMrkdwn(update.rootCause) : undefined,
    actionTaken: escapeMrkdwn(update.actionTaken),
    nextUpdate: escapeMrkdwn(update.nextUpdate),
    author: mention(author),
  });
  return message(text, [context(`${incident.id} · update #${incident.updateCount} by ${mention(author)}`)]);
}

export function incidentDuration(incident: Incident): string {
  const end = incident.resolvedAt ?? new Date().toISOString();
  return formatDistanceStrict(new Date(end), new Date(incident.createdAt));
}

export function resolutionMessage(incident: Incident, resolution: IncidentResolution, render: RenderTemplate): SlackMessage {
  const text = render('slack-resolution', {
    service: incident.service ?? incident.title,
    title: escapeMrkdwn(incident.title),
    severity: incident.severity,
    startedAt: utcTime(incident.createdAt),
    resolvedAt: utcTime(incident.resolvedAt ?? incident.createdAt),
    duration: incidentDuration(incident),
    rootCause: escapeMrkdwn(resolution.rootCause),
    userImpact: escapeMrkdwn(resolution.userImpact),
    followUp: escapeMrkdwn(resolution.followUp),
    commander: mention(incident.commanderId),
  });
  return message(text);
}

export interface ChecklistItemView {
  id: string;
  text: string;
}

/** The post-incident checklist as checkboxes; ticking one is saved and goes on the timeline. */
export function checklistMessage(incident: Incident, items: ChecklistItemView[], checked: string[]): SlackMessage {
  const options = items.slice(0, 10).map((item) => ({ value: item.id, text: { type: 'mrkdwn' as const, text: truncate(item.text, 75) } }));
  const initial = options.filter((o) => checked.includes(o.value));
  return {
    text: `Post-incident checklist for ${incident.id}`,
    blocks: [
      section(`*Post-incident checklist* — ${escapeMrkdwn(incident.title)}`),
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
    ],
  };
}

export function statusText(incident: Incident, now: Date): string {
  const lines = [
    `*${incident.id}: ${escapeMrkdwn(incident.title)}*`,
    `• Severity: ${incident.severity}   • Status: ${incident.status === 'open' ? incident.workStatus : 'Resolved'}`,
    `• Service: ${incident.service ?? '—'}   • Commander: ${mention(incident.commanderId)}`,
    `• Opened ${utcTime(incident.createdAt)} (${formatDistanceStrict(now, new Date(incident.createdAt))} ago)`,
    incident.lastUpdateAt ? `• Last update ${formatDistanceStrict(now, new Date(incident.lastUpdateAt))} ago` : '• No update posted yet',
    incident.channelId ? `• Channel: ${channelLink(incident.channelId)}` : `• Channel: #${incident.channelName}`,
  ];
  if (incident.rootCause) lines.push(`• Root cause: ${escapeMrkdwn(incident.rootCause)}`);
  return lines.join('\n');
}

export function listText(incidents: Incident[], now: Date): string {
  if (incidents.length === 0) return 'No open incidents. :white_check_mark:';
  return [
    `*Open incidents (${incidents.length})*`,
    ...incidents.map(
      (i) =>
        `• ${i.severity} ${i.id} ${i.channelId ? channelLink(i.channelId) : `#${i.channelName}`} — ${escapeMrkdwn(i.title)} (${i.workStatus}, ${formatDistanceStrict(now, new Date(i.createdAt))}, IC ${mention(i.commanderId)})`,
    ),
  ].join('\n');
}

export function timelineText(incident: Incident, entries: TimelineEntry[]): string {
  const actor = (id: string) => (/^[UW][A-Z0-9]+$/.test(id) ? mention(id) : id);
  return [
    `*Timeline of ${incident.id}* (${entries.length} entries, UTC)`,
    ...entries.map((e) => `\`${format(new UTCDate(e.at), 'MM-dd HH:mm:ss')}\` ${actor(e.actor)} — ${escapeMrkdwn(e.text)}`),
  ].join('\n');
}

export function textBlocks(text: string): SlackMessage {
  // Long timelines: split into several sections at line boundaries.
  const blocks: KnownBlock[] = [];
  let chunk = '';
  for (const line of text.split('\n')) {
    if (chunk.length + line.length + 1 > 2900) {
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${line}` : line;
  }
  if (chunk) blocks.push(section(chunk));
  return { text: truncate(text, 3000), blocks: blocks.slice(0, 50) };
}


