import type { Clock } from '../../lib/clock';
import { formatElapsed } from '../../lib/human-duration';
import type { AuditLog, ContextLookup, DeployLookup, Warner } from '../remediation/action-ports';
import { describeAction, type ActionRecord } from '../remediation/model';
import { judge, type Measured } from './judge';
import {
  CHECKLIST_PHASES,
  RECOVERY_CHECKS,
  watchId,
  type PostRollbackChecklist,
  type RecoveryCheck,
  type RecoveryJob,
  type RecoveryPolicy,
  type Verdict,
  verdictSchema,
} from './model';
import type { Paged, RecoveryEscalator, RecoveryIncidents, RecoveryNotifier, RecoveryReadings, RecoveryScheduler, RecoverySteps, ResultView } from './ports';
import { describeTarget, describeVerdict } from './describe';

export interface RecoveryWatchDeps {
  actions: { get(id: string): Promise<ActionRecord | undefined> };
  /** The service's guard signals; undefined when it has none (no guard block, or guard off). */
  readings(service: string): RecoveryReadings | undefined;
  deploys: Pick<DeployLookup, 'get'>;
  contexts: ContextLookup;
  scheduler: RecoveryScheduler;
  steps: RecoverySteps;
  notifier: RecoveryNotifier;
  incidents: RecoveryIncidents;
  escalator?: RecoveryEscalator;
  audit: AuditLog;
  policy: RecoveryPolicy;
  checklist: PostRollbackChecklist;
  clock: Clock;
  logger: Warner;
}

export type FireOutcome = 'posted' | 'skipped-resolved' | 'skipped-gone' | 'skipped-done' | 'no-source';

const SYSTEM = 'firebreak';

/**
 * After a rollback or a flag switched off by Firebreak succeeded: the runbook's recovery targets
 * checked at their times (delayed jobs), each result posted in the action's thread, an unmet target
 * escalating the incident one level (once per watch); and after a rollback the post-rollback
 * checklist with a reminder per phase. Every post, escalation and timeline entry is a step done once.
 */
export class RecoveryWatch {
  constructor(private readonly deps: RecoveryWatchDeps) {}

  /** Called by the remediation job once the action succeeded and was verified; safe to call again. */
  async start(record: ActionRecord): Promise<void> {
    const { spec, progress } = record;
    if (progress.state !== 'succeeded') return;
    const { policy, scheduler, steps } = this.deps;
    const finishedAt = Date.parse(progress.finishedAt ?? this.deps.clock.now().toISOString());
    const watch = watchId(spec.id, spec.run);
    const readings = this.deps.readings(spec.service);
    if (readings) {
      for (const check of RECOVERY_CHECKS) await scheduler.schedule({ kind: 'check', actionId: spec.id, run: spec.run, check }, finishedAt + policy[check].within);
    }
    await steps.once(watch, 'watch-note', () => this.audit(record, watchNote(record, policy, readings?.name), { state: 'recovery-watch', watching: Boolean(readings) }));
    if (spec.kind !== 'rollback') return;
    for (const phase of CHECKLIST_PHASES) {
      await scheduler.schedule({ kind: 'reminder', actionId: spec.id, run: spec.run, phase }, finishedAt + policy.checklistReminders[phase]);
    }
    await steps.once(watch, 'checklist', async () => {
      const ticked = await steps.ticked(watch);
      await this.deps.notifier.postChecklist({ record, watch, checklist: this.deps.checklist, ticked, reminders: policy.checklistReminders });
    });
  }

  /** A due job: one check, or one checklist reminder. */
  async fire(job: RecoveryJob): Promise<FireOutcome> {
    const record = await this.deps.actions.get(job.actionId);
    if (!record || record.spec.run !== job.run || record.progress.state !== 'succeeded') return 'skipped-gone';
    const { incidentId } = record.spec;
    // The incident was resolved meanwhile: nothing left to watch (the post-incident checklist takes over).
    if (incidentId && (await this.deps.incidents.isOpen(incidentId)) === false) return 'skipped-resolved';
    return job.kind === 'check' ? this.check(record, job.check) : this.remind(record, job.phase);
  }

  private async check(record: ActionRecord, check: RecoveryCheck): Promise<FireOutcome> {
    const { spec } = record;
    const readings = this.deps.readings(spec.service);
    if (!readings) return 'no-source';
    const watch = watchId(spec.id, spec.run);
    const { steps, policy } = this.deps;
    const measured = await this.measure(record, check, readings);
    const verdict = verdictSchema.parse(JSON.parse(await steps.keep(watch, `verdict-${check}`, JSON.stringify(judge(measured, policy)))));
    const escalation = verdict.outcome === 'not-recovered' ? await this.escalate(record, watch, verdict) : undefined;
    const view: ResultView = { record, verdict, withinMs: policy[check].within, escalation };
    await steps.once(watch, `result-${check}`, () => this.deps.notifier.postResult(view));
    await steps.once(watch, `result-${check}-timeline`, () =>
      this.audit(record, `Recovery check, ${formatElapsed(view.withinMs)} after: ${describeVerdict(verdict)}${escalationNote(view.escalation)}`, {
        state: 'recovery-check',
        check,
        outcome: verdict.outcome,
        value: verdict.value,
        target: verdict.target,
      }),
    );
    return 'posted';
  }

  /** The first unmet target of a watch escalates one level; later ones say it already did. */
  private async escalate(record: ActionRecord, watch: string, verdict: Verdict): Promise<ResultView['escalation']> {
    const { spec } = record;
    const { steps, escalator } = this.deps;
    if (!spec.incidentId || !escalator) return { kind: 'no-incident' };
    const incidentId = spec.incidentId;
    if ((await steps.keep(watch, 'escalation-owner', verdict.check)) !== verdict.check) return { kind: 'already' };
    await steps.once(watch, 'escalate', async () => {
      const paged = await escalator.escalateNow(incidentId, `not recovered after the ${describeAction(spec)}: ${describeVerdict(verdict)}`);
      await steps.keep(watch, 'escalation-result', JSON.stringify(paged ?? null));
    });
    // What the escalation did, also when an earlier attempt ran it (a replay posts the same result).
    const paged = JSON.parse(await steps.keep(watch, 'escalation-result', 'null')) as Paged | 'top' | null;
    if (paged === 'top') return { kind: 'top' };
    return paged ? { kind: 'escalated', paged } : { kind: 'no-incident' };
  }

  private async remind(record: ActionRecord, phase: (typeof CHECKLIST_PHASES)[number]): Promise<FireOutcome> {
    const { spec } = record;
    const watch = watchId(spec.id, spec.run);
    const { checklist, steps, policy } = this.deps;
    const ticked = new Set(await steps.ticked(watch));
    const open = checklist[phase].items.filter((item) => !ticked.has(item.id)).map((item) => item.text);
    if (open.length === 0) return 'skipped-done';
    await steps.once(watch, `remind-${phase}`, () =>
      this.deps.notifier.postReminder({ record, phase, title: checklist[phase].title, open, afterMs: policy.checklistReminders[phase] }),
    );
    return 'posted';
  }

  private async measure(record: ActionRecord, check: RecoveryCheck, readings: RecoveryReadings): Promise<Measured> {
    const { spec } = record;
    const at = this.deps.clock.now().getTime();
    const target = { service: spec.service, environment: spec.environment };
    const base = { check, source: readings.name, at };
    if (check === 'errorRate') return { ...base, latest: await readings.latest(target, 'errorRate', at) };
    if (check === 'throughput') return { ...base, series: await readings.throughput(target, at - this.deps.policy.throughput.over, at) };
    const [latest, baseline] = await Promise.all([readings.latest(target, 'latencyP95', at), readings.baseline(target, await this.baselineAnchor(record))]);
    return { ...base, latest, baseline };
  }

  /** The p95 baseline ends when the rolled-back deploy went live (else when the incident or alert began). */
  private async baselineAnchor(record: ActionRecord): Promise<number> {
    const { spec } = record;
    const deploy = spec.deployId ? await this.deps.deploys.get(spec.deployId) : undefined;
    if (deploy) return Date.parse(deploy.timestamp);
    const info = await this.deps.contexts.describe(spec.context, spec.service).catch(() => undefined);
    const opened = Date.parse(info?.openedAt ?? spec.requestedAt);
    return Number.isNaN(opened) ? Date.parse(spec.requestedAt) : opened;
  }

  private audit(record: ActionRecord, text: string, data: Record<string, unknown>): Promise<void> {
    return this.deps.audit.record(record.spec.context, {
      actor: SYSTEM,
      text,
      data: { remediation: data.state, actionId: record.spec.id, run: record.spec.run, ...data },
    });
  }
}

function watchNote(record: ActionRecord, policy: RecoveryPolicy, source: string | undefined): string {
  if (!source) return `Recovery watch: ${record.spec.service} has no guard signals (services.${record.spec.service}.guard), so the runbook's recovery targets are not checked automatically`;
  const plan = RECOVERY_CHECKS.map((check) => `${describeTarget(check, policy)} within ${formatElapsed(policy[check].within)}`).join('; ');
  return `Recovery watch from ${source}: ${plan}`;
}

function escalationNote(escalation: ResultView['escalation']): string {
  switch (escalation?.kind) {
    case 'escalated':
      return `; escalated to level ${escalation.paged.level}`;
    case 'top':
      return '; already at the highest escalation level';
    case 'already':
      return '; escalated by an earlier check';
    case 'no-incident':
      return '; no open incident to escalate';
    default:
      return '';
  }
}
