import { humanDuration } from '../../lib/human-duration';
import type { Incident } from '../incidents/model';
import type { StatusStage } from './model';

/** Renders a runbook-content template by id (injected, so the domain stays free of the loader). */
export type RenderStatusTemplate = (id: `statuspage-${StatusStage}`, vars: Record<string, string | number | undefined>) => string;

/** Slack mrkdwn emphasis (`*Identified*`, `_x_`) becomes plain text for a public page. */
export function plainText(mrkdwn: string): string {
  return mrkdwn
    .replace(/(^|[\s(])[*_~]([^*_~\n]+)[*_~](?=$|[\s).,:;!?—-])/g, '$1$2')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}

export interface StatusDraft {
  stage: StatusStage;
  title: string;
  text: string;
}

/** The runbook's text for `stage`, filled in for this incident, for a person to review before it goes public. */
export function draftText(incident: Incident, stage: StatusStage, render: RenderStatusTemplate, updateEveryMs: number): string {
  const service = incident.service ?? 'our service';
  const vars: Record<string, string | undefined> = { service };
  if (stage === 'investigating') vars.updateInterval = humanDuration(updateEveryMs);
  if (stage === 'identified') vars.expectedResolution = `soon; we will post another update within ${humanDuration(updateEveryMs)}`;
  return plainText(render(`statuspage-${stage}`, vars));
}

/** A neutral public title: customers see the service, not the internal title. */
export function draftTitle(incident: Incident, publishedTitle?: string): string {
  return publishedTitle ?? (incident.service ? `Problems with ${incident.service}` : 'Service disruption');
}
