import { formatDistanceStrict } from 'date-fns';
import type { Incident, TimelineEntry } from './model';

const line = (text: string | undefined, fallback = '_to be filled in_') => (text && text.trim() ? text.trim() : fallback);
const who = (actor: string) => (/^[UW][A-Z0-9]+$/.test(actor) ? `@${actor}` : actor);

/**
 * A postmortem draft in Markdown, from the incident and its timeline: the agenda the runbook template
 * asks for (timeline, root cause, user impact, action items), ready to be completed by people.
 */
export function postmortemDraft(incident: Incident, timeline: TimelineEntry[], checked: string[], now: Date): string {
  const end = incident.resolvedAt ? new Date(incident.resolvedAt) : now;
  const duration = formatDistanceStrict(end, new Date(incident.createdAt));
  return [
    `# Postmortem: ${incident.title} (${incident.id})`,
    '',
    `- **Severity:** ${incident.severity}`,
    `- **Service:** ${incident.service ?? '—'}`,
    `- **Started:** ${incident.createdAt}`,
    `- **Resolved:** ${incident.resolvedAt ?? 'not yet'}`,
    `- **Duration:** ${duration}`,
    `- **Incident commander:** @${incident.commanderId}`,
    ...(incident.origin?.verdict ? [`- **Suspect at the start:** ${incident.origin.verdict}`] : []),
    '',
    '## Summary',
    '',
    line(incident.impact),
    '',
    '## Root cause',
    '',
    line(incident.rootCause),
    '',
    '## User impact',
    '',
    line(incident.userImpact, line(incident.impact)),
    '',
    '## Timeline (UTC)',
    '',
    '| time | who | what |',
    '|---|---|---|',
    ...timeline.map((e) => `| ${e.at} | ${who(e.actor)} | ${e.text.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`),
    '',
    '## What went well',
    '',
    '- ',
    '',
    '## What went wrong',
    '',
    '- ',
    '',
    '## Action items',
    '',
    line(incident.followUp, '- [ ] '),
    '',
    '## Post-incident checklist',
    '',
    checked.length > 0 ? `Done: ${checked.join(', ')}` : 'Nothing ticked yet.',
    '',
  ].join('\n');
}
