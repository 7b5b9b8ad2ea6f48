import type { KnownBlock } from '@slack/types';
import { breachText, problemText, utcClock } from '../domain/guard/describe';
import type { GuardWindow, Problem } from '../domain/guard/model';
import type { AutoReportView, GuardView, RollbackOffer } from '../domain/guard/ports';
import { formatElapsed } from '../lib/human-duration';
import { utcTime } from './incident-messages';
import { remediationButtons } from './remediation';
import { channelLink, context, EMPTY, joinMd, link, md, mentionTarget, Mrkdwn, section, slackMessage, type SlackMessage } from './text';

/** The deploy guard's messages: the proposal card, the automatic rollback's reports, gaps. Pure. */

function message(text: Mrkdwn, extra: KnownBlock[] = []): SlackMessage {
  return slackMessage(text, [section(text), ...extra]);
}

/** "*checkout v1.2.3* (from v1.2.2, blue-green, production) deployed 2026-11-22 10:00 UTC by alice". */
function deployLine(view: GuardView): Mrkdwn {
  const { window, deploy } = view;
  const from = window.previousVersion ? md`from ${window.previousVersion}, ` : EMPTY;
  const strategy = deploy ? md`${deploy.strategy}, ` : EMPTY;
  const by = deploy?.actor ? md` by ${deploy.actor}` : EMPTY;
  const url = deploy?.url ? md` · ${link(deploy.url, 'deploy')}` : EMPTY;
  return md`*Deploy:* ${window.service} *${window.version}* (${from}${strategy}${window.environment}) went live ${utcTime(new Date(window.deployedAt).toISOString())}${by}${url}`;
}

const evidence = (view: GuardView) => joinMd(view.breaches.map((b) => md`• ${breachText(b)}`));

const watching = (window: GuardWindow, mode: string) => md`Firebreak deploy guard · ${mode} · watching until ${utcClock(window.endsAt)}`;

/** `propose`: the evidence and **Rollback to <previous>** (context kind `guard`), or why there is no button. */
export function guardProposalMessage(view: GuardView, offer: RollbackOffer, rollbackTargets: Record<string, number>, humanOnly: readonly string[] = []): SlackMessage {
  const { window, deploy } = view;
  const to = window.previousVersion ? md` — roll back to *${window.previousVersion}*?` : EMPTY;
  const text = md`:warning: *Deploy guard: ${window.service} ${window.version} is unhealthy*${to}\n${deployLine(view)}\n${evidence(view)}`;
  const extra: KnownBlock[] = [];
  const target = deploy ? rollbackTargets[deploy.strategy] : undefined;
  const buttons =
    offer.kind === 'button' && deploy
      ? remediationButtons(deploy, { kind: 'guard', id: window.deployId }, { flags: false, rollbackTargetText: target === undefined ? undefined : formatElapsed(target) })
      : undefined;
  if (buttons) extra.push(buttons);
  else if (offer.kind === 'superseded') extra.push(section(md`:fast_forward: *This proposal no longer applies:* ${offer.because}; the guard watches the newer deploy now. No Rollback button.`));
  else extra.push(section(md`:no_entry_sign: No Rollback button: ${offer.kind === 'unavailable' ? offer.reason : 'nothing to roll back to'}. Roll back by hand.`));
  // policy.yaml rollbackTriggers.humanOnly: what no metric shows, for the person deciding.
  if (humanOnly.length > 0) extra.push(context(md`:bust_in_silhouette: Whatever the metrics say, roll back at once if ${humanOnly.join(' · ')}.`));
  extra.push(context(watching(window, 'propose')));
  return message(text, extra);
}

function outcomeLine(view: AutoReportView): Mrkdwn {
  const { window, outcome } = view;
  const to = window.previousVersion ?? '?';
  if (outcome.kind === 'not-started') return md`:x: *The automatic rollback was not started:* ${outcome.reason}. Roll back by hand.`;
  if (outcome.kind === 'already') return md`:leftwards_arrow_with_hook: The rollback to *${to}* was already asked for by ${mentionTarget(outcome.by ?? 'firebreak')}.`;
  return md`:leftwards_arrow_with_hook: *Rolling back to ${to}* through the service's rollback executor.`;
}

/** `auto`, in the service's channel (or the open incident's): what breached and what was done; the rollback's status follows in its thread. */
export function guardRollbackReport(view: AutoReportView): SlackMessage {
  const { window } = view;
  const headline =
    view.outcome.kind === 'not-started'
      ? md`:rotating_light: *Deploy guard: ${window.service} ${window.version} is unhealthy* — automatic rollback failed to start`
      : md`:rotating_light: *Deploy guard is rolling back ${window.service} ${window.version} → ${window.previousVersion ?? '?'}* (automatic)`;
  const incident = view.incidentId ? md`*Incident:* ${view.incidentId} (${view.severity ?? ''})` : EMPTY;
  const text = joinMd([headline, deployLine(view), evidence(view), outcomeLine(view), incident].filter((line) => line.length > 0));
  const follow = view.outcome.kind === 'not-started' ? [] : [md`The rollback status, verification and announcement follow in this thread.`];
  return message(text, [context(watching(window, 'auto'), ...follow)]);
}

/** `auto`, in the incident's thread: the report the incident opened with. */
export function guardIncidentReport(view: AutoReportView): SlackMessage {
  const { window } = view;
  const where = view.rollbackThread
    ? md`Rollback status: in the thread of the guard's report in ${channelLink(view.rollbackThread.channel)}.`
    : EMPTY;
  const text = joinMd(
    [md`:rotating_light: *Deploy guard report: ${window.service} ${window.version}*`, deployLine(view), evidence(view), outcomeLine(view), where].filter((line) => line.length > 0),
  );
  return message(text, [context(watching(window, 'auto'))]);
}

/** Gaps (or a missing baseline), reported once per deploy: never read as healthy. */
export function guardProblemMessage(window: GuardWindow, problems: Problem[], sourceName: string): SlackMessage {
  const gaps = problems.some((p) => p.kind !== 'no-baseline');
  const consequence = gaps ? 'Not treated as healthy: no action is taken on a gap, so watch this deploy by hand.' : 'The other signals are still judged.';
  const what = problems.map((p) => problemText(p, sourceName));
  const body = what.length === 1 ? md` ${what[0] ?? ''}.` : md`\n${joinMd(what.map((w) => md`• ${w}`))}\n`;
  const text = md`:grey_question: *Deploy guard cannot judge ${window.service} ${window.version}:*${body} ${consequence}`;
  return message(text, [context(watching(window, window.mode))]);
}
