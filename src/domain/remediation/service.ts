import type { Clock } from '../../lib/clock';
import { formatElapsed } from '../../lib/human-duration';
import type {
  ActionStore,
  AuditLog,
  ContextLookup,
  Escalator,
  HealthProbe,
  PageAdvice,
  RemediationCatalog,
  RemediationNotifier,
  Warner,
} from './action-ports';
import { noChanges, type NewDeploy } from '../deploys/model';
import { PermanentActionError } from './errors';
import {
  describeAction,
  FINAL_STATES,
  idempotencyKey,
  retryDelayMs,
  type ActionProgress,
  type ActionRecord,
  type ActionSpec,
} from './model';
import type { ActionResult } from './ports';
import { StatusMessage } from './status-message';

export interface RemediationServiceDeps {
  catalog: RemediationCatalog;
  store: ActionStore;
  notifier: RemediationNotifier;
  audit: AuditLog;
  probe: HealthProbe;
  contexts: ContextLookup;
  clock: Clock;
  logger: Warner;
  /** The escalation engine's "page the next level now"; without it the failure message names who to page. */
  escalator?: Escalator;
  /** The deploy history: a rollback Firebreak ran is written into it (the bad version rolled back). */
  history?: { record(deploy: NewDeploy): Promise<unknown> };
  /** How long the worker waits for the clicker's status message before posting one itself (default 5 s). */
  statusWaitMs?: number;
  /** Once a succeeded action is verified and announced: the recovery watch starts (safe to call again on a replay). */
  afterSuccess?: (record: ActionRecord) => Promise<void>;
}

/** One attempt of a job, as the worker hands it over. */
export interface RunInput {
  spec: ActionSpec;
  /** Attempts already made before this one (BullMQ's attemptsMade). */
  attemptsMade: number;
}

const SYSTEM = 'firebreak';
const title = (spec: ActionSpec) => (spec.kind === 'rollback' ? 'Rollback' : `Disabling flag ${spec.flagKey ?? ''}`);

/**
 * Runs one remediation action: the executor once per attempt with the action's idempotency key,
 * then verification, the announcement, or the failure report. Every step is recorded before the
 * next, so an attempt re-run after a crash skips what is done and never repeats a success.
 */
export class RemediationService {
  constructor(private readonly deps: RemediationServiceDeps) {}

  async run({ spec, attemptsMade }: RunInput): Promise<void> {
    let record = await this.deps.store.get(spec.id);
    if (!record || record.spec.run !== spec.run) {
      this.deps.logger.warn({ actionId: spec.id, run: spec.run }, 'remediation job has no current action; skipped');
      return;
    }
    const status = new StatusMessage({ ...this.deps, waitMs: this.deps.statusWaitMs ?? 5_000 }, record);
    if (record.progress.state === 'failed') {
      // Failed for good before a crash: finish telling people, and stop.
      await this.reportFailure(record);
      throw new PermanentActionError(record.progress.error ?? 'the action failed');
    }
    if (record.progress.state !== 'succeeded') record = await this.execute(record, attemptsMade + 1, status);
    record = await this.verify(record);
    await status.settle(record);
    await this.deps.afterSuccess?.(record);
  }

  /** A job BullMQ gave up on without running it to the end (stalled too often): fail the action. */
  async abandon(spec: ActionSpec, reason: string): Promise<void> {
    const record = await this.deps.store.get(spec.id);
    if (!record || record.spec.run !== spec.run || FINAL_STATES.includes(record.progress.state)) return;
    const failed = await this.save(record, { state: 'failed', finishedAt: this.now(), error: reason });
    await this.audit(failed, `${title(spec)} failed: ${reason}`, { state: 'failed' });
    await new StatusMessage({ ...this.deps, waitMs: 0 }, failed).settleQuietly(failed);
    await this.reportFailure(failed);
  }

  private async execute(initial: ActionRecord, attempt: number, status: StatusMessage): Promise<ActionRecord> {
    const { spec } = initial;
    let record = await this.save(initial, {
      state: 'running',
      attempt,
      startedAt: initial.progress.startedAt ?? this.now(),
      nextRetryAt: undefined,
    });
    // Still "running" when a job starts means the worker that ran it died mid-call (a stalled job).
    const again = initial.progress.state === 'running' ? ' again after its worker stopped' : '';
    // The timeline entry and the status update go alongside the executor call, never before it.
    const audited = this.audit(record, `${title(spec)} running${again} (attempt ${attempt} of ${spec.retry.attempts})`, { state: 'running', attempt, recovered: again !== '' });
    status.show(record);
    let result: ActionResult;
    try {
      result = await this.callExecutor(spec, attempt);
    } catch (error) {
      await audited;
      await this.failAttempt(record, error, attempt, status);
      throw error;
    }
    await audited;
    record = await this.save(record, {
      state: 'succeeded',
      finishedAt: this.now(),
      result: result.summary,
      output: result.output,
      error: undefined,
    });
    const elapsed = Date.parse(record.progress.finishedAt ?? '') - Date.parse(spec.requestedAt);
    const target = spec.strategy ? this.deps.catalog.rollbackTargetMs(spec.strategy) : undefined;
    const against = target === undefined ? '' : ` (target under ${formatElapsed(target)})`;
    await this.audit(record, `${title(spec)} succeeded in ${formatElapsed(elapsed)}${against}: ${result.summary}`, { state: 'succeeded', elapsedMs: elapsed });
    status.show(record); // verification follows at once; run() waits for the final state to be shown
    record = await this.recordInHistory(record);
    if (target !== undefined && elapsed > target) record = await this.escalateSlow(record, elapsed, target);
    return record;
  }

  /**
   * A succeeded rollback goes into the deploy history as the bad version `rolled_back` (the version
   * now serving as its previous one): the next alert's verdict no longer suspects it, and no card
   * offers the same rollback again. Once, whatever the retries.
   */
  private async recordInHistory(record: ActionRecord): Promise<ActionRecord> {
    const { spec } = record;
    if (spec.kind !== 'rollback' || record.progress.historyRecorded || !this.deps.history || !spec.fromVersion) return record;
    await this.deps.history.record({
      service: spec.service,
      environment: spec.environment,
      version: spec.fromVersion,
      ...(spec.toVersion ? { previousVersion: spec.toVersion } : {}),
      strategy: spec.strategy ?? 'direct',
      status: 'rolled_back',
      timestamp: record.progress.finishedAt ?? this.now(),
      actor: spec.actor,
      changes: noChanges(),
      source: 'firebreak',
    });
    const saved = await this.save(record, { historyRecorded: true });
    await this.audit(saved, `Deploy history: ${spec.fromVersion} of ${spec.service} rolled back, ${spec.toVersion ?? 'the previous version'} current`, { state: 'history-recorded' });
    return saved;
  }

  /** The runbook: a rollback over its target time escalates one level (once, whatever the retries). */
  private async escalateSlow(record: ActionRecord, elapsed: number, target: number): Promise<ActionRecord> {
    const { spec } = record;
    if (record.progress.slowEscalated || !spec.incidentId || !this.deps.escalator) return record;
    const why = `${describeAction(spec)} took ${formatElapsed(elapsed)}, over the runbook target of ${formatElapsed(target)}`;
    let paged: PageAdvice | undefined;
    try {
      paged = await this.deps.escalator.escalateNow(spec.incidentId, why);
    } catch (error) {
      this.deps.logger.warn({ err: error, actionId: spec.id }, 'escalation after a slow rollback did not go through');
      return record;
    }
    const saved = await this.save(record, { slowEscalated: true });
    const who = paged ? `; escalated to level ${paged.level}` : '; no higher level to escalate to';
    await this.audit(saved, `${why}${who}`, { state: 'over-target', elapsedMs: elapsed, targetMs: target, page: paged });
    return saved;
  }

  private callExecutor(spec: ActionSpec, attempt: number): Promise<ActionResult> {
    const { catalog } = this.deps;
    const ctx = { idempotencyKey: idempotencyKey(spec), attempt };
    const common = { service: spec.service, environment: spec.environment, incidentId: spec.incidentId, reason: spec.reason, actor: spec.actor };
    if (spec.kind === 'disable-flag') {
      return catalog.flagProvider(spec.service).disable({ ...common, flagKey: spec.flagKey ?? '' }, ctx);
    }
    return catalog.rollbackExecutor(spec.service).rollback(
      {
        ...common,
        fromVersion: spec.fromVersion ?? '',
        toVersion: spec.toVersion ?? '',
        strategy: spec.strategy ?? 'direct',
        deployId: spec.deployId,
      },
      ctx,
    );
  }

  private async failAttempt(record: ActionRecord, error: unknown, attempt: number, status: StatusMessage): Promise<void> {
    const { spec } = record;
    const message = plainWords(error);
    const permanent = !isRetryable(error);
    if (permanent || attempt >= spec.retry.attempts) {
      const detail = errorDetail(error);
      const failed = await this.save(record, { state: 'failed', finishedAt: this.now(), error: message, errorDetail: detail });
      const why = permanent ? 'retrying will not help' : `after ${attempt} attempt${attempt === 1 ? '' : 's'}`;
      await this.audit(failed, `${title(spec)} failed (${why}): ${message}`, { state: 'failed', attempt, permanent });
      await status.settleQuietly(failed);
      await this.reportFailure(failed);
      return;
    }
    const delay = retryDelayMs(attempt, spec.retry.backoffMs, retryAfterOf(error));
    const retrying = await this.save(record, {
      state: 'retrying',
      error: message,
      nextRetryAt: new Date(this.deps.clock.now().getTime() + delay).toISOString(),
    });
    await this.audit(retrying, `${title(spec)} attempt ${attempt} failed: ${message}; retrying in ${formatElapsed(delay)}`, {
      state: 'retrying',
      attempt,
      delayMs: delay,
    });
    await status.settleQuietly(retrying);
  }

  /** Post the failure once, with who should be paged (or page them through the escalation engine). */
  private async reportFailure(record: ActionRecord): Promise<void> {
    if (record.progress.failureTs) return;
    const { spec } = record;
    let page = await this.pageAdvice(record);
    let escalated = false;
    if (this.deps.escalator && spec.incidentId) {
      try {
        const paged = await this.deps.escalator.escalateNow(spec.incidentId, `${describeAction(spec)} failed: ${record.progress.error ?? ''}`);
        if (paged) [page, escalated] = [paged, true];
      } catch (error) {
        this.deps.logger.warn({ err: error, actionId: spec.id }, 'escalation after a failed remediation did not go through');
      }
    }
    const ts = await this.deps.notifier.postFailure(record, page, escalated);
    const reported = await this.save(record, { failureTs: ts });
    const who = page ? ` Level ${page.level}: ${page.targets.map(mention).join(', ') || page.role || 'next level'}.` : '';
    await this.audit(reported, `Failure posted in the thread;${escalated ? ' escalated.' : ' who should be paged named.'}${who}`, {
      state: 'failure-reported',
      page,
      escalated,
    });
  }

  /** The next escalation level after the one the context's age has reached. */
  private async pageAdvice(record: ActionRecord): Promise<PageAdvice | undefined> {
    const levels = this.deps.catalog.service(record.spec.service)?.escalation ?? [];
    if (levels.length === 0) return undefined;
    const info = await this.deps.contexts.describe(record.spec.context, record.spec.service).catch(() => undefined);
    const openedAt = Date.parse(info?.openedAt ?? record.spec.requestedAt);
    const age = this.deps.clock.now().getTime() - (Number.isNaN(openedAt) ? 0 : openedAt);
    const reached = levels.reduce((current, level, index) => (level.afterMs <= age ? index : current), -1);
    const next = Math.min(reached + 1, levels.length - 1);
    const level = levels[next];
    return level ? { level: next + 1, targets: level.targets, role: level.role } : undefined;
  }

  /** Health checks once, the verification message once, and for a rollback the announcement once. */
  private async verify(initial: ActionRecord): Promise<ActionRecord> {
    let record = initial;
    const { spec } = record;
    if (!record.progress.verification) {
      const urls = this.deps.catalog.service(spec.service)?.healthChecks ?? [];
      const checks = await Promise.all(urls.map((url) => this.deps.probe.check(url)));
      const passed = checks.every((check) => check.ok);
      record = await this.save(record, { verification: { passed, checks } });
      const summary = checks.length === 0 ? 'no health checks configured' : `${checks.filter((c) => c.ok).length}/${checks.length} health checks passing`;
      await this.audit(record, `Verification: ${summary}`, { state: 'verified', passed, checks });
    }
    if (!record.progress.verificationTs) {
      record = await this.save(record, { verificationTs: await this.deps.notifier.postVerification(record) });
    }
    if (spec.kind === 'rollback' && !record.progress.announcementTs) {
      const verification = record.progress.verification;
      const failing = verification?.checks.filter((c) => !c.ok).map((c) => c.url) ?? [];
      const stable =
        failing.length > 0
          ? `Rolled back to ${spec.toVersion ?? '?'}; health checks still failing: ${failing.join(', ')}`
          : `System ${verification?.checks.length ? 'stable' : 'rolled back'} on ${spec.toVersion ?? '?'}`;
      record = await this.save(record, { announcementTs: await this.deps.notifier.postAnnouncement(record, stable) });
      await this.audit(record, 'Rollback announcement posted', { state: 'announced' });
    }
    return record;
  }

  private async save(record: ActionRecord, patch: Partial<ActionProgress>): Promise<ActionRecord> {
    const progress: ActionProgress = { ...record.progress, ...patch };
    await this.deps.store.saveProgress(record.spec.id, record.spec.run, progress);
    return { ...record, progress };
  }

  private audit(record: ActionRecord, text: string, data: Record<string, unknown>): Promise<void> {
    return this.deps.audit.record(record.spec.context, {
      actor: SYSTEM,
      text,
      data: { remediation: data.state, actionId: record.spec.id, run: record.spec.run, ...data },
    });
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

const mention = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);

function isRetryable(error: unknown): boolean {
  if (error instanceof PermanentActionError) return false;
  // TransientActionError, and anything unexpected (a bug, a dropped connection), gets another try.
  return true;
}

function retryAfterOf(error: unknown): number | undefined {
  return error && typeof error === 'object' && 'retryAfterMs' in error && typeof error.retryAfterMs === 'number' ? error.retryAfterMs : undefined;
}

/** The message an executor wrote for people; anything else is "unexpected". */
export function plainWords(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('executor_')) return error.message;
  return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

function errorDetail(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const details = error as { status?: number; body?: string; exitCode?: number | null; output?: string };
  const parts = [
    details.status !== undefined ? `HTTP ${details.status}` : undefined,
    details.exitCode !== undefined && details.exitCode !== null ? `exit code ${details.exitCode}` : undefined,
    details.body ? `response: ${details.body}` : undefined,
    details.output ? `output:\n${details.output}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('\n') : undefined;
}
