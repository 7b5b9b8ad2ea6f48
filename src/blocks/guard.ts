import type { KnownBlock } from '@slack/types';
import { breachText, problemText, utcClock } from '../domain/guard/describe';
import type { GuardWindow, Problem } from '../domain/guard/model';
import type { AutoReportView, GuardView, RollbackOffer } from '../domain/guard/ports';
import { formatElapsed } from '../lib/human-duration';
import { utcTime, type SlackMessage } from './incident-messages';
import { remediationButtons } from './remediation';
import { channelLink, context, escapeMrkdwn, mentionTarget, section, truncate } from './text';

/** The deploy guard's messages: the proposal card, the automatic rollback's reports, gaps. Pure. */

function message(text: string, extra: KnownBlock[] = []): SlackMessage {
  return { text: truncate(text, 3000), blocks: [section(text), ...extra] };
}

/** "*checkout v1.2.3* (from v1.2.2, blue-green, production) deployed 2026-11-22 10:00 UTC by alice". */
function deployLine(view: GuardView): string {
  const { window, deploy } = view;
  const from = window.previousVersion ? `from ${escapeMrkdwn(window.previousVersion)}, ` : '';
  const strategy = deploy ? `${deploy.strategy}, ` : '';
  const by = deploy?.actor ? ` by ${escapeMrkdwn(deploy.actor)}` : '';
  const link = deploy?.url ? ` · <${deploy.url}|deploy>` : '';
  return `*Deploy:* ${window.service} *${escapeMrkdwn(window.version)}* (${from}${strategy}${window.environment}) went live ${utcTime(new Date(window.deployedAt).toISOString())}${by}${link}`;
}

const evidence = (view: GuardView) => view.breaches.map((b) => `• ${escapeMrkdwn(breachText(b))}`).join('\n');

const watching = (window: GuardWindow, mode: string) => `Firebreak deploy guard · ${mode} · watching until ${utcClock(window.endsAt)}`;

/** `propose`: the evidence and **Rollback to <previous>** (context kind `guard`), or why there is no button. */
export function guardProposalMessage(view: GuardView, offer: RollbackOffer, rollbackTargets: Record<string, number>): SlackMessage {
  const { window, deploy } = view;
  const to = window.previousVersion ? ` — roll back to *${escapeMrkdwn(window.previousVersion)}*?` : '';
  const text = `:warning: *Deploy guard: ${window.service} ${escapeMrkdwn(window.version)} is unhealthy*${to}\n${deployLine(view)}\n${evidence(view)}`;
  const extra: KnownBlock[] = [];
  const target = deploy ? rollbackTargets[deploy.strategy] : undefined;
  const buttons =
    offer.kind === 'button' && deploy
      ? remediationButtons(deploy, { kind: 'guard', id: window.deployId }, { flags: false, rollbackTargetText: target === undefined ? undefined : formatElapsed(target) })
      : undefined;
  if (buttons) extra.push(buttons);
  else if (offer.kind === 'superseded') extra.push(section(`:fast_forward: *This proposal no longer applies:* ${escapeMrkdwn(offer.because)}; the guard watches the newer deploy now. No Rollback button.`));
  else extra.push(section(`:no_entry_sign: No Rollback button: ${offer.kind === 'unavailable' ? offer.reason : 'nothing to roll back to'}. Roll back by hand.`));
  extra.push(context(watching(window, 'propose')));
  return message(text, extra);
}

function outcomeLine(view: AutoReportView): string {
  const { window, outcome } = view;
  const to = escapeMrkdwn(window.previousVersion ?? '?');
  if (outcome.kind === 'not-started') return `:x: *The automatic rollback was not started:* ${escapeMrkdwn(outcome.reason)}. Roll back by hand.`;
  if (outcome.kind === 'already') return `:leftwards_arrow_with_hook: The rollback to *${to}* was already asked for by ${mentionTarget(outcome.by ?? 'firebreak')}.`;
  return `:leftwards_arrow_with_hook: *Rolling back to ${to}* through the service's rollback executor.`;
}

/** `auto`, in the service's channel (or the open incident's): what breached and what was done; the rollback's status follows in its thread. */
export function guardRollbackReport(view: AutoReportView): SlackMessage {
  const { window } = view;
  const headline =
    view.outcome.kind === 'not-started'
      ? `:rotating_light: *Deploy guard: ${window.service} ${escapeMrkdwn(window.version)} is unhealthy* — automatic rollback failed to start`
      : `:rotating_light: *Deploy guard is rolling back ${window.service} ${escapeMrkdwn(window.version)} → ${escapeMrkdwn(window.previousVersion ?? '?')}* (automatic)`;
  const incident = view.incidentId ? `*Incident:* ${view.incidentId} (${view.severity})` : '';
  const text = [headline, deployLine(view), evidence(view), outcomeLine(view), incident].filter(Boolean).join('\n');
  const follow = view.outcome.kind === 'not-started' ? [] : ['The rollback status, verification and announcement follow in this thread.'];
  return message(text, [context(watching(window, 'auto'), ...follow)]);
}

/** `auto`, in the incident's thread: the report the incident opened with. */
export function guardIncidentReport(view: AutoReportView): SlackMessage {
  const { window } = view;
  const where = view.rollbackThread
    ? `Rollback status: in the thread of the guard's report in ${/^[CG]/.test(view.rollbackThread.channel) ? channelLink(view.rollbackThread.channel) : view.rollbackThread.channel}.`
    : '';
  const text = [
    `:rotating_light: *Deploy guard report: ${window.service} ${escapeMrkdwn(window.version)}*`,
    deployLine(view),
    evidence(view),
    outcomeLine(view),
    where,
  ]
    .filter(Boolean)
    .join('\n');
  return message(text, [context(watching(window, 'auto'))]);
}

/** Gaps (or a missing baseline), reported once per deploy: never read as healthy. */
export function guardProblemMessage(window: GuardWindow, problems: Problem[], sourceName: string): SlackMessage {
  const gaps = problems.some((p) => p.kind !== 'no-baseline');
  const consequence = gaps ? 'Not treated as healthy: no action is taken on a gap, so watch this deploy by hand.' : 'The other signals are still judged.';
  const what = problems.map((p) => escapeMrkdwn(problemText(p, sourceName)));
  const body = what.length === 1 ? ` ${what[0]}.` : `\n${what.map((w) => `• ${w}`).join('\n')}\n`;
  const text = `:grey_question: *Deploy guard cannot judge ${window.service} ${escapeMrkdwn(window.version)}:*${body} ${consequence}`;
  return message(text, [context(watching(window, window.mode))]);
}
