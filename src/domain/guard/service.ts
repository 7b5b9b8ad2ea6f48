import type { Clock } from '../../lib/clock';
import type { Deploy } from '../deploys/model';
import type { ContextInfo } from '../remediation/action-ports';
import { guardHeadline } from './describe';
import { applyVerdicts } from './evaluate';
import type { GuardSettings, GuardWindow } from './model';
import type { GuardCatalog, GuardIncidents, GuardLogger, GuardScheduler, GuardStore } from './ports';
import { GUARD_STEPS, type GuardResponder } from './respond';
import { judgeAll } from './rules';
import { needsErrorBaseline, newWarnings, triggersFor } from './triggers';
import { decideWatch, pointerOf, tickDueAt } from './watch';

/** Told after each evaluation (and a retried tick's): new warnings and the window's end (deploy announcements). */
export interface GuardWatchListener {
  evaluated(window: GuardWindow): Promise<void>;
}

export interface DeployGuardDeps {
  store: GuardStore;
  catalog: GuardCatalog;
  scheduler: GuardScheduler;
  responder: GuardResponder;
  incidents: Pick<GuardIncidents, 'openForService' | 'get'>;
  clock: Clock;
  logger: GuardLogger;
  listener?: GuardWatchListener;
}

export type TickResult = 'evaluated' | 'retried' | 'stale';

/**
 * The deploy guard: deploys start, supersede and end windows; each window is evaluated tick by
 * tick (one job per tick, each scheduling the next), and what a breach calls for is handed to the
 * responder. A tick is evaluated once; a retried tick only repeats the responder's unfinished steps.
 */
export class DeployGuard {
  constructor(private readonly deps: DeployGuardDeps) {}

  /** Every stored deploy event, a resend too (so a start that failed halfway is finished). */
  async deployed(deploy: Deploy): Promise<void> {
    const { store, catalog, scheduler, logger } = this.deps;
    const settings = catalog.settings(deploy.service);
    if (!settings) return;
    const current = await store.watching(deploy.service);
    const decision = decideWatch(deploy, current, settings, this.now());
    if (decision.kind === 'ignore') return;
    if (decision.kind === 'end') {
      await store.releaseWatch(deploy.service, decision.deployId);
      logger.info({ service: deploy.service, deployId: decision.deployId, reason: decision.reason }, 'guard window ended by a deploy');
      return;
    }
    const window = (await store.window(deploy.id)) ?? decision.window;
    if (window.state !== 'watching') return;
    if (!(await store.claimWatch(deploy.service, pointerOf(window)))) return;
    if (window === decision.window) await store.saveWindow(window);
    await scheduler.schedule(window.deployId, window.tick, tickDueAt(window, window.tick, settings.everyMs));
    logger.info({ service: deploy.service, deployId: deploy.id, version: deploy.version, endsAt: new Date(window.endsAt).toISOString() }, 'guard window started');
  }

  async tick(deployId: string, tick: number): Promise<TickResult> {
    const window = await this.deps.store.window(deployId);
    if (!window) return 'stale';
    const settings = this.deps.catalog.settings(window.service);
    if (tick === window.tick - 1) {
      // This tick was evaluated before a failure: finish what it set out to do.
      if (settings) await this.deps.responder.respond(window, settings);
      await this.deps.listener?.evaluated(window);
      return 'retried';
    }
    if (tick !== window.tick || window.state !== 'watching') return 'stale';
    const next = await this.evaluate(window, settings);
    if (settings && next.state !== 'superseded' && next.state !== 'ended') await this.deps.responder.respond(next, settings);
    await this.deps.listener?.evaluated(next);
    return 'evaluated';
  }

  /** A guard proposal or automatic rollback as a remediation context: what it is about and where. */
  async describe(deployId: string): Promise<ContextInfo | undefined> {
    const window = await this.deps.store.window(deployId);
    if (!window) return undefined;
    const incidentId = await this.deps.store.step(deployId, GUARD_STEPS.incident);
    const incident = incidentId ? await this.deps.incidents.get(incidentId) : await this.deps.incidents.openForService(window.service);
    const firstBreach = window.breaches[0]?.at ?? window.startedAt;
    return {
      title: guardHeadline(window, window.breaches),
      incidentId: incident?.id,
      openedAt: incident?.createdAt ?? new Date(firstBreach).toISOString(),
      channelId: incident?.channelId,
    };
  }

  private async evaluate(window: GuardWindow, settings: GuardSettings | undefined): Promise<GuardWindow> {
    const { store, catalog, scheduler, logger } = this.deps;
    const now = this.now();
    const source = catalog.source(window.service);
    const next: GuardWindow = { ...window, tick: window.tick + 1 };
    const end = async (base: GuardWindow, state: GuardWindow['state'], because: string) => {
      const ended = { ...base, state, endedBecause: because };
      await store.saveWindow(ended);
      await store.releaseWatch(window.service, window.deployId);
      logger.info({ service: window.service, deployId: window.deployId, state, because }, 'guard window over');
      return ended;
    };
    if (!settings || !source) return end(next, 'ended', 'the guard is off for the service');
    const watched = await store.watching(window.service);
    if (watched?.deployId !== window.deployId) {
      const ended = await end(next, 'superseded', watched ? `superseded by ${watched.version}` : 'the deploy was rolled back or replaced');
      if (watched) {
        await this.deps.responder
          .superseded(ended, `${window.service} ${watched.version} was deployed since`)
          .catch((error: unknown) => logger.warn({ err: error, deployId: window.deployId }, 'guard: superseded proposal card not updated'));
      }
      return ended;
    }

    if (settings.signals.includes('latencyP95') && next.baseline === undefined) {
      const reading = await source.baseline(window);
      if ('value' in reading) next.baseline = { value: reading.value };
      else if ('missing' in reading) next.baseline = { missing: reading.missing };
      // Unreachable: asked again next tick (the outage itself is reported as a gap).
    }
    // The act thresholds and warn bounds of this deploy's strategy (policy.yaml rollbackTriggers).
    const triggers = triggersFor(settings, window);
    const judgedBy = { ...settings, ...triggers.act };
    if (needsErrorBaseline(triggers.warn) && next.errorBaseline === undefined && source.errorRateBaseline) {
      const reading = await source.errorRateBaseline(window);
      if ('value' in reading) next.errorBaseline = { value: reading.value };
      else if ('missing' in reading) next.errorBaseline = { missing: reading.missing };
    }
    const longest = Math.max(judgedBy.errorRate.forMs, judgedBy.latencyP95.forMs, judgedBy.healthFailures.forMs, ...triggers.warn.map((b) => b.for));
    const from = Math.max(window.deployedAt, now - longest - settings.staleAfterMs - settings.everyMs);
    const observations = await source.observe(next, settings.signals, now, from);
    const judged = judgeAll({ settings: judgedBy, baseline: next.baseline, observations, now, watchingSince: window.startedAt });
    const evaluation = applyVerdicts(next, judged);
    const warnings = newWarnings(evaluation.window, { warn: triggers.warn, signals: settings.signals, observations, now, staleAfterMs: settings.staleAfterMs });
    const evaluated = warnings.length > 0 ? { ...evaluation.window, warnings: [...(evaluation.window.warnings ?? []), ...warnings] } : evaluation.window;
    for (const warning of warnings) logger.info({ service: window.service, deployId: window.deployId, warning }, 'guard: deployment runbook bound crossed (warning only)');
    for (const breach of evaluation.newBreaches) logger.warn({ service: window.service, deployId: window.deployId, breach }, 'guard: sustained breach');
    for (const problem of evaluation.newProblems) logger.warn({ service: window.service, deployId: window.deployId, problem }, 'guard: cannot judge');

    if (evaluated.mode === 'auto' && evaluated.breaches.length > 0) return end(evaluated, 'acted', 'rolled back automatically');
    if (now >= evaluated.endsAt) return end(evaluated, 'expired', 'the guard window is over');
    await store.saveWindow(evaluated);
    await scheduler.schedule(window.deployId, evaluated.tick, tickDueAt(evaluated, evaluated.tick, settings.everyMs));
    return evaluated;
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}
