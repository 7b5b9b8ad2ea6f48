import type { PageAdvice } from '../domain/remediation/action-ports';
import { idempotencyKey, type ActionRecord, type ActionSpec, type ActionState } from '../domain/remediation/model';
import { formatElapsed } from '../lib/human-duration';
import { code, context, EMPTY, joinMd, md, mention, mentionTarget, Mrkdwn, section, slackMessage, truncate, type SlackMessage } from './text';

/** The thread's status message, verification, failure report and the ephemeral replies to clicks. */

const ICON: Record<ActionState, string> = {
  queued: ':hourglass_flowing_sand:',
  running: ':arrows_counterclockwise:',
  retrying: ':warning:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
};

const hhmmss = (iso: string) => `${iso.slice(11, 19)} UTC`;

/** "Rollback of *checkout* v1.2.3 → v1.2.2 (blue-green, production)" */
export function actionHeadline(spec: ActionSpec, lower = false): Mrkdwn {
  if (spec.kind === 'rollback') {
    const strategy = spec.strategy ? `${spec.strategy}, ` : '';
    if (lower) return md`rollback of *${spec.service}* ${spec.fromVersion ?? '?'} → ${spec.toVersion ?? '?'} (${strategy}${spec.environment})`;
    return md`Rollback of *${spec.service}* ${spec.fromVersion ?? '?'} → ${spec.toVersion ?? '?'} (${strategy}${spec.environment})`;
  }
  if (lower) return md`disable flag *${spec.flagKey ?? '?'}* of *${spec.service}* in ${spec.environment}`;
  return md`Disable flag *${spec.flagKey ?? '?'}* of *${spec.service}* in ${spec.environment}`;
}

/** Elapsed since the click against the runbook's target for the strategy, when there is one. */
export function elapsedText(record: ActionRecord, now: Date, targetMs: number | undefined): string {
  const end = record.progress.finishedAt ? Date.parse(record.progress.finishedAt) : now.getTime();
  const elapsed = end - Date.parse(record.spec.requestedAt);
  if (targetMs === undefined) return `${formatElapsed(elapsed)} elapsed`;
  const verdict = elapsed > targetMs ? ` — :warning: over the runbook target of ${formatElapsed(targetMs)}` : ` of the runbook target of under ${formatElapsed(targetMs)}`;
  return `${formatElapsed(elapsed)} elapsed${verdict}`;
}

function stateLine(record: ActionRecord): Mrkdwn {
  const { progress, spec } = record;
  const attempts = `attempt ${progress.attempt} of ${spec.retry.attempts}`;
  switch (progress.state) {
    case 'queued':
      return md`*Queued* — waiting for a worker`;
    case 'running':
      return md`*Running* — ${attempts}`;
    case 'retrying':
      return md`*Retrying* — ${attempts} failed: ${progress.error ?? 'unknown error'}${progress.nextRetryAt ? `; next try at ${hhmmss(progress.nextRetryAt)}` : ''}`;
    case 'succeeded':
      return md`*Succeeded* — ${progress.result ?? 'done'}`;
    case 'failed':
      return md`*Failed* — ${progress.error ?? 'unknown error'}`;
  }
}

function verificationLine(record: ActionRecord): string | undefined {
  const verification = record.progress.verification;
  if (!verification) return record.progress.state === 'succeeded' ? 'Verifying…' : undefined;
  if (verification.checks.length === 0) return 'Verification: no health checks configured — check the success criteria by hand';
  const passing = verification.checks.filter((c) => c.ok).length;
  const icon = verification.passed ? ':large_green_circle:' : ':red_circle:';
  return `${icon} Verification: ${passing}/${verification.checks.length} health checks passing`;
}

/** The one status message, kept current with chat.update: queued → running → succeeded / failed. */
export function remediationStatusMessage(record: ActionRecord, now: Date, targetMs: number | undefined): SlackMessage {
  const { spec, progress } = record;
  const headline = md`${ICON[progress.state]} ${actionHeadline(spec)}`;
  const verification = verificationLine(record);
  const lines = [headline, stateLine(record), md`${elapsedText(record, now, targetMs)}`, ...(verification ? [md`${verification}`] : [])];
  const footer = md`Requested by ${mention(spec.actor)} at ${hhmmss(spec.requestedAt)} · idempotency key ${code(idempotencyKey(spec))}`;
  return slackMessage(md`${ICON[progress.state]} ${actionHeadline(spec)}: ${progress.state}`, [section(joinMd(lines)), context(footer)]);
}

/** Health checks one by one, then the runbook's success criteria for people to confirm. */
export function verificationMessage(record: ActionRecord, successCriteria: string[]): SlackMessage {
  const checks = record.progress.verification?.checks ?? [];
  const what = record.spec.kind === 'rollback' ? md`the rollback of *${record.spec.service}* to ${record.spec.toVersion ?? '?'}` : md`disabling *${record.spec.flagKey ?? '?'}*`;
  const results =
    checks.length === 0
      ? [md`No health checks are configured for this service (services.&lt;name&gt;.healthChecks).`]
      : checks.map((c) => md`${c.ok ? ':white_check_mark:' : ':x:'} ${c.url} — ${c.status !== undefined ? `HTTP ${c.status}` : c.error ?? 'no answer'}`);
  const text = joinMd([md`*Verification* of ${what}`, ...results, EMPTY, md`*Runbook success criteria* — confirm on the dashboards:`, ...successCriteria.map((c) => md`• ${c}`)]);
  return slackMessage(md`Verification: ${checks.filter((c) => c.ok).length}/${checks.length} health checks passing`, [section(text)]);
}

/** The final failure in plain words, and who should be paged (or that the escalation engine was asked). */
export function failureMessage(record: ActionRecord, page: PageAdvice | undefined, escalated: boolean): SlackMessage {
  const { spec, progress } = record;
  const attempts = progress.attempt > 1 ? ` after ${progress.attempt} attempts` : '';
  const lines = [md`:x: *${actionHeadline(spec)} failed*${attempts}.`, md`*What went wrong:* ${progress.error ?? 'unknown error'}`];
  if (progress.errorDetail) lines.push(md`\`\`\`${truncate(progress.errorDetail.replace(/`{3,}/g, 'ˋˋˋ'), 1500)}\`\`\``);
  const level = page ? `level ${page.level}${page.role ? ` (${page.role})` : ''}` : 'the next escalation level';
  const who = page && page.targets.length > 0 ? joinMd(page.targets.map(mentionTarget), ', ') : undefined;
  if (escalated) lines.push(md`:rotating_light: Escalated to ${level} through the escalation policy${who ? md`: ${who}` : EMPTY}.`);
  else if (who || page?.role) lines.push(md`:rotating_light: *Who should be paged now:* ${level}${who ? md` — ${who}` : EMPTY}.`);
  else lines.push(md`:rotating_light: No escalation levels are configured for this service: page its on-call by hand.`);
  lines.push(spec.kind === 'rollback' ? md`Next: roll back by hand following the deployment-rollback runbook, or fix the cause and press the button again.` : md`Next: turn the flag off in the flag service by hand, or press the button again.`);
  return slackMessage(md`${actionHeadline(spec)} failed: ${progress.error ?? ''}`, [section(joinMd(lines))]);
}

/** The ephemeral answer to a click that did not start anything new. */
export function alreadyStartedText(record: ActionRecord, elsewhere: boolean): Mrkdwn {
  const { spec, progress } = record;
  const where = elsewhere ? ` from another ${spec.context.kind === 'incident' ? `incident (${spec.context.id})` : `${spec.context.kind} card`}` : '';
  const attempt = progress.state === 'running' || progress.state === 'retrying' ? ` (attempt ${progress.attempt} of ${spec.retry.attempts})` : '';
  const result = progress.state === 'failed' && progress.error ? `: ${progress.error}` : '';
  return md`${ICON[progress.state]} The ${actionHeadline(spec, true)} was already started${where} by ${mention(spec.actor)} at ${hhmmss(spec.requestedAt)} — it is *${progress.state}*${attempt}${result}. Nothing new was started.`;
}

/** `who`: ids Firebreak holds (configured responders), mentioned after the reason. */
export function refusedText(reason: string, who?: readonly string[]): Mrkdwn {
  // Users and groups are mentioned; other targets (`rotation:…`, `pagerduty:…`) are named as code.
  const target = (id: string) => (/^[UWS][A-Z0-9]{2,}$/.test(id) ? mentionTarget(id) : code(id));
  return md`:no_entry: Not done: ${reason}${who && who.length > 0 ? md`: ${joinMd(who.map(target), ', ')}` : EMPTY}.`;
}
