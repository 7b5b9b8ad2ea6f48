import type { PageAdvice } from '../domain/remediation/action-ports';
import { idempotencyKey, type ActionRecord, type ActionSpec, type ActionState } from '../domain/remediation/model';
import { formatElapsed } from '../lib/human-duration';
import type { SlackMessage } from './incident-messages';
import { context, escapeMrkdwn, mention, mentionTarget, section, truncate } from './text';

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
export function actionHeadline(spec: ActionSpec): string {
  if (spec.kind === 'rollback') {
    const strategy = spec.strategy ? `${spec.strategy}, ` : '';
    return `Rollback of *${spec.service}* ${spec.fromVersion ?? '?'} → ${spec.toVersion ?? '?'} (${strategy}${spec.environment})`;
  }
  return `Disable flag *${escapeMrkdwn(spec.flagKey ?? '?')}* of *${spec.service}* in ${spec.environment}`;
}

/** Elapsed since the click against the runbook's target for the strategy, when there is one. */
export function elapsedText(record: ActionRecord, now: Date, targetMs: number | undefined): string {
  const end = record.progress.finishedAt ? Date.parse(record.progress.finishedAt) : now.getTime();
  const elapsed = end - Date.parse(record.spec.requestedAt);
  if (targetMs === undefined) return `${formatElapsed(elapsed)} elapsed`;
  const verdict = elapsed > targetMs ? ` — :warning: over the runbook target of ${formatElapsed(targetMs)}` : ` of the runbook target of under ${formatElapsed(targetMs)}`;
  return `${formatElapsed(elapsed)} elapsed${verdict}`;
}

function stateLine(record: ActionRecord): string {
  const { progress, spec } = record;
  const attempts = `attempt ${progress.attempt} of ${spec.retry.attempts}`;
  switch (progress.state) {
    case 'queued':
      return '*Queued* — waiting for a worker';
    case 'running':
      return `*Running* — ${attempts}`;
    case 'retrying':
      return `*Retrying* — ${attempts} failed: ${escapeMrkdwn(progress.error ?? 'unknown error')}${progress.nextRetryAt ? `; next try at ${hhmmss(progress.nextRetryAt)}` : ''}`;
    case 'succeeded':
      return `*Succeeded* — ${escapeMrkdwn(progress.result ?? 'done')}`;
    case 'failed':
      return `*Failed* — ${escapeMrkdwn(progress.error ?? 'unknown error')}`;
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
  const headline = `${ICON[progress.state]} ${actionHeadline(spec)}`;
  const lines = [headline, stateLine(record), elapsedText(record, now, targetMs), verificationLine(record)].filter(Boolean);
  const footer = `Requested by ${mention(spec.actor)} at ${hhmmss(spec.requestedAt)} · idempotency key \`${idempotencyKey(spec)}\``;
  const text = lines.join('\n');
  return { text: truncate(`${ICON[progress.state]} ${actionHeadline(spec)}: ${progress.state}`, 3000), blocks: [section(text), context(footer)] };
}

/** Health checks one by one, then the runbook's success criteria for people to confirm. */
export function verificationMessage(record: ActionRecord, successCriteria: string[]): SlackMessage {
  const checks = record.progress.verification?.checks ?? [];
  const what = record.spec.kind === 'rollback' ? `the rollback of *${record.spec.service}* to ${record.spec.toVersion ?? '?'}` : `disabling *${escapeMrkdwn(record.spec.flagKey ?? '?')}*`;
  const results =
    checks.length === 0
      ? ['No health checks are configured for this service (services.<name>.healthChecks).']
      : checks.map((c) => `${c.ok ? ':white_check_mark:' : ':x:'} ${c.url} — ${c.status !== undefined ? `HTTP ${c.status}` : escapeMrkdwn(c.error ?? 'no answer')}`);
  const text = [`*Verification* of ${what}`, ...results, '', '*Runbook success criteria* — confirm on the dashboards:', ...successCriteria.map((c) => `• ${c}`)].join('\n');
  return { text: truncate(`Verification: ${checks.filter((c) => c.ok).length}/${checks.length} health checks passing`, 3000), blocks: [section(text)] };
}

/** The final failure in plain words, and who should be paged (or that the escalation engine was asked). */
export function failureMessage(record: ActionRecord, page: PageAdvice | undefined, escalated: boolean): SlackMessage {
  const { spec, progress } = record;
  const attempts = progress.attempt > 1 ? ` after ${progress.attempt} attempts` : '';
  const lines = [`:x: *${actionHeadline(spec)} failed*${attempts}.`, `*What went wrong:* ${escapeMrkdwn(progress.error ?? 'unknown error')}`];
  if (progress.errorDetail) lines.push(`\`\`\`${truncate(progress.errorDetail, 1500)}\`\`\``);
  const level = page ? `level ${page.level}${page.role ? ` (${page.role})` : ''}` : 'the next escalation level';
  const who = page && page.targets.length > 0 ? page.targets.map(mentionTarget).join(', ') : undefined;
  if (escalated) lines.push(`:rotating_light: Escalated to ${level} through the escalation policy${who ? `: ${who}` : ''}.`);
  else if (who || page?.role) lines.push(`:rotating_light: *Who should be paged now:* ${level}${who ? ` — ${who}` : ''}.`);
  else lines.push(':rotating_light: No escalation levels are configured for this service: page its on-call by hand.');
  lines.push(spec.kind === 'rollback' ? 'Next: roll back by hand following the deployment-rollback runbook, or fix the cause and press the button again.' : 'Next: turn the flag off in the flag service by hand, or press the button again.');
  const text = lines.join('\n');
  return { text: truncate(`${actionHeadline(spec)} failed: ${progress.error ?? ''}`, 3000), blocks: [section(text)] };
}

/** The ephemeral answer to a click that did not start anything new. */
export function alreadyStartedText(record: ActionRecord, elsewhere: boolean): string {
  const { spec, progress } = record;
  const where = elsewhere ? ` from another ${spec.context.kind === 'incident' ? `incident (${spec.context.id})` : `${spec.context.kind} card`}` : '';
  const attempt = progress.state === 'running' || progress.state === 'retrying' ? ` (attempt ${progress.attempt} of ${spec.retry.attempts})` : '';
  const result = progress.state === 'failed' && progress.error ? `: ${escapeMrkdwn(progress.error)}` : '';
  return `${ICON[progress.state]} The ${actionHeadline(spec).replace(/^\w/, (c) => c.toLowerCase())} was already started${where} by ${mention(spec.actor)} at ${hhmmss(spec.requestedAt)} — it is *${progress.state}*${attempt}${result}. Nothing new was started.`;
}

export function refusedText(reason: string): string {
  return `:no_entry: Not done: ${reason}.`;
}
