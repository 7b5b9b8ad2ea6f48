import { createHash } from 'node:crypto';
import type { KnownBlock } from '@slack/types';
import { formatDistanceStrict } from 'date-fns';
import type { AlertState } from '../domain/alerts/model';
import type { Suspect, Verdict } from '../domain/correlation';
import { INCIDENT_ACTIONS } from './ids';
import { utcTime } from './incident-messages';
import { remediationButtons } from './remediation';
import { rollBackFirst, rollBackFirstText } from '../domain/runbooks/recommend';
import { context, EMPTY, joinMd, LIMITS, link, md, Mrkdwn, plain, section, slackMessage, type SlackMessage } from './text';

/**
 * What the Start incident button carries: the alert's service and fingerprint, or when that would
 * not fit in a button value (2000 characters), `ref` — the sha256 of both, under which the alert
 * publisher stores them (as this JSON) next to the card.
 */
export type StartFromAlertValue = { service: string; fingerprint: string } | { ref: string };

export const alertRef = (alert: Pick<AlertState, 'service' | 'fingerprint'>) => createHash('sha256').update(JSON.stringify([alert.service, alert.fingerprint])).digest('hex');

export function startFromAlertValue(alert: Pick<AlertState, 'service' | 'fingerprint'>): string {
  const full = JSON.stringify({ service: alert.service, fingerprint: alert.fingerprint } satisfies StartFromAlertValue);
  return full.length <= LIMITS.buttonValue ? full : JSON.stringify({ ref: alertRef(alert) } satisfies StartFromAlertValue);
}

export interface AlertCounts {
  firing: number;
  resolved: number;
  /** Firing/resolved per alert name. */
  byName: Record<string, { firing: number; resolved: number }>;
}

const STRENGTH_TEXT = { strong: 'Strong suspect', possible: 'Possible suspect' } as const;

export function suspectLine(suspect: Suspect): Mrkdwn {
  const { deploy } = suspect;
  const from = deploy.previousVersion ? md` (from ${deploy.previousVersion})` : EMPTY;
  const via = suspect.viaDependency ? md` — a dependency of this service` : EMPTY;
  const url = deploy.url ? md` · ${link(deploy.url, 'deploy')}` : EMPTY;
  const age = formatDistanceStrict(0, suspect.ageMs);
  const actor = deploy.actor ? md` by ${deploy.actor}` : EMPTY;
  const changes = suspect.changes.text ? md`\n   changes: ${suspect.changes.text}` : EMPTY;
  return md`*${STRENGTH_TEXT[suspect.strength]}:* ${deploy.service} *${deploy.version}*${from}, ${deploy.strategy}, ${deploy.status}, deployed ${age} before the alert${actor}${via}${url}${changes}`;
}

/** The verdict in words: suspects and the quick-diagnosis reading, or the "not a regression" advice. */
export function verdictText(verdict: Verdict): Mrkdwn {
  if (verdict.kind === 'none') {
    return joinMd([md`*Not a regression:* no deploy of this service or its dependencies in the 2 hours before the alert.`, ...verdict.advice.map((a) => md`• ${a}`)]);
  }
  const lines = verdict.suspects.slice(0, 3).map(suspectLine);
  for (const d of verdict.diagnosis) lines.push(md`:mag: ${d.reading} → likely *${d.likelyCause}*`);
  return joinMd(lines);
}

/** A one-line verdict for an incident's origin and timeline. */
export function verdictSummary(verdict: Verdict): string {
  const top = verdict.top;
  if (!top) return 'Not a regression: no deploy correlates';
  const from = top.deploy.previousVersion ? ` (from ${top.deploy.previousVersion})` : '';
  return `${STRENGTH_TEXT[top.strength]}: ${top.deploy.service} ${top.deploy.version}${from}, deployed ${formatDistanceStrict(0, top.ageMs)} before the alert`;
}

export function countsText(counts: AlertCounts): Mrkdwn {
  const names = Object.entries(counts.byName)
    .slice(0, 8)
    .map(([name, c]) => md`${name}: ${c.firing} firing, ${c.resolved} resolved`);
  return joinMd([md`*${counts.firing} firing · ${counts.resolved} resolved*`, ...names]);
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
  const headline = md`${icon} *${alert.name}* on *${alert.service}* (${alert.severity})${alert.environment ? md` in ${alert.environment}` : EMPTY}`;
  const details = [
    ...(alert.summary ? [md`${alert.summary}`] : []),
    md`started ${utcTime(alert.startsAt)}${alert.value !== undefined ? md` · value ${alert.value}` : EMPTY}${alert.url ? md` · ${link(alert.url, 'source')}` : EMPTY}`,
  ];
  const blocks: KnownBlock[] = [
    section(joinMd([headline, ...details])),
    section(verdictText(verdict)),
    ...(input.errorRateThreshold !== undefined && alert.state !== 'resolved' && rollBackFirst(alert, input.errorRateThreshold, false)
      ? [section(md`:rewind: *Recommendation:* ${rollBackFirstText(input.errorRateThreshold)}`)]
      : []),
    context(countsText(counts)),
    {
      type: 'actions',
      block_id: 'alert_card_actions',
      elements: [{ type: 'button', action_id: INCIDENT_ACTIONS.startFromAlert, text: plain('Start incident'), style: 'primary', value: startFromAlertValue(alert) }],
    },
    ...suspectRemediation(verdict, alert, input.rollbackTargets),
  ];
  return slackMessage(md`${alert.name} on ${alert.service}: ${verdictSummary(verdict)}`, blocks);
}

/** The one thread message in an incident channel that keeps the service's alerts counted. */
export function incidentAlertsMessage(service: string, counts: AlertCounts): SlackMessage {
  return slackMessage(md`:bell: Alerts for *${service}* since this incident opened\n${countsText(counts)}`);
}
