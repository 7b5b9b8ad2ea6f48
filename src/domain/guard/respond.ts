import type { DeployLookup } from '../remediation/action-ports';
import { SYSTEM_ACTOR, type Incident } from '../incidents/model';
import type { RequestOutcome } from '../remediation/requests';
import { breachText, guardHeadline, problemText } from './describe';
import type { GuardSettings, GuardWindow, Problem } from './model';
import type { AutoReportView, GuardCatalog, GuardIncidents, GuardLogger, GuardNotifier, GuardRemediation, GuardStore, Posted, RollbackOffer } from './ports';

export interface GuardResponderDeps {
  store: GuardStore;
  catalog: GuardCatalog;
  notifier: GuardNotifier;
  remediation: GuardRemediation;
  incidents: GuardIncidents;
  deploys: DeployLookup;
  logger: GuardLogger;
}

/** Steps done once per deploy, each recorded under its name in the store. */
export const GUARD_STEPS = {
  proposal: 'proposal',
  incident: 'incident',
  report: 'report',
  rollback: 'rollback',
  reportFinal: 'report-final',
  proposalSuperseded: 'proposal-superseded',
  incidentReport: 'incident-report',
  problem: (key: string) => `problem-${key}`,
} as const;

type ShownProposal = Posted & { signals: string[] };
type RecordedOutcome = AutoReportView['outcome'];

const parse = <T>(value: string | undefined): T | undefined => (value && value !== 'posting' ? (JSON.parse(value) as T) : undefined);

/**
 * What the guard does about a window, every step once per deploy whichever job gets there first
 * (a retried tick, the next tick, the incident's opening): report gaps, show the proposal card, or
 * run the automatic rollback — incident, report, the rollback through the button's path.
 */
export class GuardResponder {
  constructor(private readonly deps: GuardResponderDeps) {}

  /** Breaches first (a failing gap report never holds up a rollback); the first failure is thrown at the end. */
  async respond(window: GuardWindow, settings: GuardSettings): Promise<void> {
    const failures: unknown[] = [];
    const attempt = (step: () => Promise<void>) => step().catch((error: unknown) => void failures.push(error));
    if (window.breaches.length > 0) await attempt(() => (window.mode === 'auto' ? this.rollBack(window, settings) : this.propose(window, settings)));
    await attempt(() => this.reportProblems(window, settings));
    if (failures.length > 0) throw failures[0];
  }

  /** Where to speak: the open incident's channel, else the service's. */
  private async channelFor(window: GuardWindow, settings: GuardSettings): Promise<{ channel: string; incident?: Incident }> {
    const incident = await this.deps.incidents.openForService(window.service);
    return incident?.channelId ? { channel: incident.channelId, incident } : { channel: settings.channel };
  }

  /** Problems not yet reported, in one message (each claimed, so it is said once per deploy). */
  private async reportProblems(window: GuardWindow, settings: GuardSettings): Promise<void> {
    const { store, notifier } = this.deps;
    const claimed: Problem[] = [];
    for (const problem of window.problems) {
      if ((await store.step(window.deployId, GUARD_STEPS.problem(problem.key))) !== undefined) continue;
      if (await store.claimStep(window.deployId, GUARD_STEPS.problem(problem.key))) claimed.push(problem);
    }
    if (claimed.length === 0) return;
    try {
      const { channel, incident } = await this.channelFor(window, settings);
      const posted = await notifier.postProblems(channel, window, claimed, settings.sourceName);
      for (const problem of claimed) await store.finishStep(window.deployId, GUARD_STEPS.problem(problem.key), posted.ts);
      const text = claimed.map((p) => problemText(p, settings.sourceName)).join('; ');
      if (incident) await this.note(incident.id, `Deploy guard cannot judge ${window.service} ${window.version}: ${text}`);
    } catch (error) {
      for (const problem of claimed) await store.releaseStep(window.deployId, GUARD_STEPS.problem(problem.key));
      throw error;
    }
  }

  private async offer(window: GuardWindow): Promise<{ offer: RollbackOffer; view: Parameters<GuardNotifier['postProposal']>[1] }> {
    const deploy = await this.deps.deploys.get(window.deployId);
    const view = { window, deploy, breaches: window.breaches };
    if (!this.deps.catalog.canRollBack(window.service)) return { view, offer: { kind: 'unavailable', reason: `no rollback executor is configured (services.${window.service}.rollback)` } };
    if (!deploy) return { view, offer: { kind: 'unavailable', reason: 'the deploy is no longer known' } };
    if (!deploy.previousVersion) return { view, offer: { kind: 'unavailable', reason: 'the deploy names no previous version' } };
    return { view, offer: { kind: 'button' } };
  }

  /** A newer deploy superseded the window: its proposal card, if shown, says so and loses its button (once). */
  async superseded(window: GuardWindow, because: string): Promise<void> {
    const { store, notifier } = this.deps;
    const shown = parse<ShownProposal>(await store.step(window.deployId, GUARD_STEPS.proposal));
    if (!shown || !(await store.claimStep(window.deployId, GUARD_STEPS.proposalSuperseded))) return;
    try {
      const deploy = await this.deps.deploys.get(window.deployId);
      await notifier.updateProposal(shown, { window, deploy, breaches: window.breaches }, { kind: 'superseded', because });
    } catch (error) {
      await store.releaseStep(window.deployId, GUARD_STEPS.proposalSuperseded);
      throw error;
    }
    await store.finishStep(window.deployId, GUARD_STEPS.proposalSuperseded, 'done');
  }

  /** One card per deploy; a signal that breaches later is added to it. */
  private async propose(window: GuardWindow, settings: GuardSettings): Promise<void> {
    const { store, notifier } = this.deps;
    const shown = parse<ShownProposal>(await store.step(window.deployId, GUARD_STEPS.proposal));
    const signals = window.breaches.map((b) => b.signal);
    if (shown && shown.signals.length >= signals.length) return;
    const { view, offer } = await this.offer(window);
    if (shown) {
      await notifier.updateProposal(shown, view, offer);
      await store.finishStep(window.deployId, GUARD_STEPS.proposal, JSON.stringify({ ...shown, signals }));
      return;
    }
    if (!(await store.claimStep(window.deployId, GUARD_STEPS.proposal))) return;
    let where: { channel: string; incident?: Incident };
    let posted: Posted;
    try {
      where = await this.channelFor(window, settings);
      posted = await notifier.postProposal(where.channel, view, offer);
    } catch (error) {
      await store.releaseStep(window.deployId, GUARD_STEPS.proposal);
      throw error;
    }
    await store.finishStep(window.deployId, GUARD_STEPS.proposal, JSON.stringify({ ...posted, signals }));
    const evidence = window.breaches.map(breachText).join('; ');
    if (where.incident) await this.note(where.incident.id, `Deploy guard proposes rolling back ${window.service} ${window.version}: ${evidence}`);
  }

  /**
   * `auto`: the incident (or the one already open), a report whose thread carries the rollback's
   * status, the rollback through the button's idempotent path as the system, then the report's
   * final word. Slack being down delays the report, never the rollback.
   */
  private async rollBack(window: GuardWindow, settings: GuardSettings): Promise<void> {
    const { store } = this.deps;
    const incident = await this.incidentFor(window, settings);
    let report = parse<Posted>(await store.step(window.deployId, GUARD_STEPS.report));
    let reportError: unknown;
    if (!report && (await store.claimStep(window.deployId, GUARD_STEPS.report))) {
      try {
        const channel = incident.channelId ?? settings.channel;
        report = await this.deps.notifier.postRollbackReport(channel, await this.reportView(window, settings, incident.id, { kind: 'queued' }));
        await store.finishStep(window.deployId, GUARD_STEPS.report, JSON.stringify(report));
      } catch (error) {
        await store.releaseStep(window.deployId, GUARD_STEPS.report);
        this.deps.logger.warn({ err: error, deployId: window.deployId }, 'guard report not posted; rolling back regardless');
        reportError = error;
      }
    }
    let outcome = parse<RecordedOutcome>(await store.step(window.deployId, GUARD_STEPS.rollback));
    if (!outcome) {
      const thread = report ? { channel: report.channel, threadTs: report.ts } : { channel: incident.channelId ?? settings.channel };
      const requested = await this.deps.remediation.requestAsSystem({ kind: 'rollback', service: window.service, deployId: window.deployId, context: { kind: 'guard', id: window.deployId }, thread });
      outcome = outcomeOf(requested);
      await store.finishStep(window.deployId, GUARD_STEPS.rollback, JSON.stringify(outcome));
      await this.note(incident.id, `Deploy guard ${outcome.kind === 'not-started' ? `could not roll back ${window.service} ${window.version}: ${outcome.reason}` : `asked for the rollback of ${window.service} ${window.version}`}`);
    }
    if (report && !(await store.step(window.deployId, GUARD_STEPS.reportFinal))) {
      await this.deps.notifier.updateRollbackReport(report, await this.reportView(window, settings, incident.id, outcome));
      await store.finishStep(window.deployId, GUARD_STEPS.reportFinal, 'done');
    }
    await this.incidentReport(incident.id);
    if (reportError) throw reportError;
  }

  /**
   * The report in the incident's own thread, once: posted by whichever comes second of the rollback
   * request and the incident channel's initial message (the incident-event handler calls this too).
   */
  async incidentReport(incidentId: string): Promise<void> {
    const { store, incidents } = this.deps;
    const incident = await incidents.get(incidentId);
    const deployId = incident?.origin?.suspectDeployId;
    if (!incident || !deployId || !incident.channelId || !incident.publication.initialTs) return;
    if ((await store.step(deployId, GUARD_STEPS.incident)) !== incident.id) return;
    const outcome = parse<RecordedOutcome>(await store.step(deployId, GUARD_STEPS.rollback));
    const window = await store.window(deployId);
    const settings = window && this.deps.catalog.settings(window.service);
    if (!outcome || !window || !settings) return;
    if (!(await store.claimStep(deployId, GUARD_STEPS.incidentReport))) return;
    try {
      const view = await this.reportView(window, settings, incident.id, outcome);
      const posted = await this.deps.notifier.postIncidentReport(incident.channelId, incident.publication.initialTs, view);
      await store.finishStep(deployId, GUARD_STEPS.incidentReport, posted.ts);
    } catch (error) {
      await store.releaseStep(deployId, GUARD_STEPS.incidentReport);
      throw error;
    }
  }

  /** The incident open for the service, or one opened for this deploy (once: its request key). */
  private async incidentFor(window: GuardWindow, settings: GuardSettings): Promise<Incident> {
    const { store, incidents } = this.deps;
    const known = await store.step(window.deployId, GUARD_STEPS.incident);
    const recorded = known ? await incidents.get(known) : undefined;
    if (recorded) return recorded;
    const evidence = window.breaches.map(breachText).join('; ');
    const open = await incidents.openForService(window.service);
    const incident =
      open ??
      (
        await incidents.start({
          title: guardHeadline(window, window.breaches),
          severity: settings.severity,
          service: window.service,
          impact: `Deploy guard: ${evidence}`,
          reporterId: settings.people[0] ?? 'USLACKBOT',
          commanderId: settings.people[0] ?? 'USLACKBOT',
          origin: { suspectDeployId: window.deployId, verdict: `Deploy guard breach after ${window.service} ${window.version}: ${evidence}` },
          requestKey: `guard-${window.deployId}`,
        })
      ).incident;
    await store.finishStep(window.deployId, GUARD_STEPS.incident, incident.id);
    if (open) await this.note(open.id, `Deploy guard: ${window.service} ${window.version} breached — ${evidence}`);
    return incident;
  }

  private async reportView(window: GuardWindow, settings: GuardSettings, incidentId: string, outcome: RecordedOutcome): Promise<AutoReportView> {
    const deploy = await this.deps.deploys.get(window.deployId);
    const rollbackThread = parse<Posted>(await this.deps.store.step(window.deployId, GUARD_STEPS.report));
    return { window, deploy, breaches: window.breaches, incidentId, severity: settings.severity, outcome, rollbackThread };
  }

  private note(incidentId: string, text: string): Promise<void> {
    return this.deps.incidents.note(incidentId, SYSTEM_ACTOR, 'guard', text);
  }
}

function outcomeOf(requested: RequestOutcome): RecordedOutcome {
  if (requested.outcome === 'refused') return { kind: 'not-started', reason: requested.reason };
  if (requested.outcome === 'queued' || requested.record.spec.actor === SYSTEM_ACTOR) return { kind: 'queued' };
  return { kind: 'already', by: requested.record.spec.actor };
}
