import type { KnownBlock } from '@slack/types';
import { formatDistanceStrict } from 'date-fns';
import type { AlertState } from '../domain/alerts/model';
import type { Suspect, Verdict } from '../domain/correlation';
import { INCIDENT_ACTIONS } from './ids';
import { utcTime, type SlackMessage } from './incident-messages';
import { remediationButtons } from './remediation';
import { rollBackFirst, rollBackFirstText } from '../domain/runbooks/recommend';
import { context, escapeMrkdwn, plain, section, truncate } from './text';

/** What the Start incident button carries. */
export interface StartFromAlertValue {
  service: string;
  fingerprint: string;
}

export interface AlertCounts {
  firing: number;
  resolved: number;
  /** Firing/resolved per alert name. */
  byName: Record<string, { firing: number; resolved: number }>;
}

const STRENGTH_TEXT = { strong: 'Strong suspect', possible: 'Possible suspect' } as const;

export function suspectLine(suspect: Suspect): string {
  const { deploy } = suspect;
  const from = deploy.previousVersion ? ` (from ${deploy.previousVersion})` : '';
  const via = suspect.viaDependency ? ` — a dependency of this service` : '';
  const link = deploy.url ? ` · <${deploy.url}|deploy>` : '';
  const age = formatDistanceStrict(0, suspect.ageMs);
  const actor = deploy.actor ? ` by ${escapeMrkdwn(deploy.actor)}` : '';
  const changes = suspect.changes.text ? `\n   changes: ${escapeMrkdwn(suspect.changes.text)}` : '';
  return `*${STRENGTH_TEXT[suspect.strength]}:* ${deploy.service} *${escapeMrkdwn(deploy.version)}*${from}, ${deploy.strategy}, ${deploy.status}, deployed ${age} before the alert${actor}${via}${link}${changes}`;
}

/** The verdict in words: suspects and the quick-diagnosis reading, or the "not a regression" advice. */
export function verdictText(verdict: Verdict): string {
  if (verdict.kind === 'none') {
    return [`*Not a regression:* no deploy of this service or its dependencies in the 2 hours before the alert.`, ...verdict.advice.map((a) => `• ${escapeMrkdwn(a)}`)].join('\n');
  }
  const lines = verdict.suspects.slice(0, 3).map(suspectLine);
  for (const d of verdict.diagnosis) lines.push(`:mag: ${escapeMrkdwn(d.reading)} → likely *${escapeMrkdwn(d.likelyCause)}*`);
  return lines.join('\n');
}

/** A one-line verdict for an incident's origin and timeline. */
export function verdictSummary(verdict: Verdict): string {
  const top = verdict.top;
  if (!top) return 'Not a regression: no deploy correlates';
  const from = top.deploy.previousVersion ? ` (from ${top.deploy.previousVersion})` : '';
  return `${STRENGTH_TEXT[top.strength]}: ${top.deploy.service} ${top.deploy.version}${from}, deployed ${formatDistanceStrict(0, top.ageMs)} before the alert`;
}

export function countsText(counts: AlertCounts): string {
  const names = Object.entries(counts.byName)
    .slice(0, 8)
    .map(([name, c]) => `${escapeMrkdwn(name)}: ${c.firing} firing, ${c.resolved} resolved`);
  return [`*${counts.firing} firing · ${counts.resolved} resolved*`, ...names].join('\n');
}

/** Rollback and Disable flag for the top suspect (when it is a deploy of this service or a dependency). */
function suspectRemediation(verdict: Verdict, alert: AlertState, rollbackTargets: Record<string, number>): KnownBlock[] {
  const deploy = verdict.top?.deploy;
  if (!deploy) return [];
  const target = rollbackTargets[deploy.strategy];
  const block = remediationButtons(deploy, { kind: 'alert', id: alert.fingerprint }, target ? { rollbackTargetText: formatDistanceStrict(0, target) } : {});
  return block ? [block] : [];
}

/** The card posted in the service's channel for an alert with no open incident. */
export function alertCard(input: { alert: AlertState; verdict: Verdict; counts: AlertCounts; rollbackTargets: Record<string, number>; errorRateThreshold?: number }): SlackMessage {
  const { alert, verdict, counts } = input;
  const icon = alert.state === 'resolved' && counts.firing === 0 ? ':white_check_mark:' : ':rotating_light:';
  const headline = `${icon} *${escapeMrkdwn(alert.name)}* on *${alert.service}* (${alert.severity})${alert.environment ? ` in ${alert.environment}` : ''}`;
  const details = [
    alert.summary ? escapeMrkdwn(alert.summary) : undefined,
    `started ${utcTime(alert.startsAt)}${alert.value !== undefined ? ` · value ${alert.value}` : ''}${alert.url ? ` · <${alert.url}|source>` : ''}`,
  ].filter(Boolean);
  const value: StartFromAlertValue = { service: alert.service, fingerprint: alert.fingerprint };
  const blocks: KnownBlock[] = [
    section(`${headline}\n${details.join('\n')}`),
    section(verdictText(verdict)),
    ...(input.errorRateThreshold !== undefined && alert.state !== 'resolved' && rollBackFirst(alert, input.errorRateThreshold, false)
      ? [section(`:rewind: *Recommendation:* ${rollBackFirstText(input.errorRateThreshold)}`)]
      : []),
    context(countsText(counts)),
    {
      type: 'actions',
      block_id: 'alert_card_actions',
      elements: [{ type: 'button', action_id: INCIDENT_ACTIONS.startFromAlert, text: plain('Start incident'), style: 'primary', value: JSON.stringify(value) }],
    },
    ...suspectRemediation(verdict, alert, input.rollbackTargets),
  ];
  return { text: truncate(`${alert.name} on ${alert.service}: ${verdictSummary(verdict)}`, 3000), blocks };
}

/** The one thread message in an incident channel that keeps the service's alerts counted. */
export function incidentAlertsMessage(service: string, counts: AlertCounts): SlackMessage {
  const text = `:bell: Alerts for *${service}* since this incident opened\n${countsText(counts)}`;
  return { text: truncate(text, 3000), blocks: [section(text)] };
}
