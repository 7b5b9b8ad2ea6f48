import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../lib/clock';
import { endsVersion, type Deploy } from '../deploys/model';
import { SYSTEM_ACTOR } from '../incidents/model';
import { isOncallTarget } from '../oncall/model';
import type {
  ActionQueue,
  ActionStore,
  AuditLog,
  ContextLookup,
  DeployLookup,
  GroupDirectory,
  RemediationCatalog,
  RemediationNotifier,
  ServiceRemediation,
} from './action-ports';
import {
  blockingStates,
  describeAction,
  remediationActionId,
  remediationTargetKey,
  type ActionRecord,
  type ActionSpec,
  type ContextRef,
  type RemediationKind,
  type Thread,
} from './model';

/** A Rollback or Disable flag button pressed (or its command), as the Slack edge parsed it. */
export interface Click {
  kind: RemediationKind;
  service: string;
  deployId?: string;
  flagKey?: string;
  context: ContextRef;
  actor: string;
  thread: Thread;
}

export type RequestOutcome =
  | { outcome: 'queued'; record: ActionRecord }
  /** Somebody already asked: `record` says who and how far it got; `elsewhere` when from another card or thread. */
  | { outcome: 'already'; record: ActionRecord; elsewhere: boolean }
  /** `who`: the people who may act instead (Slack ids), for the refusal to mention. */
  | { outcome: 'refused'; reason: string; who?: string[] };

/** Why an actor may not act, and who may. */
export interface Denial {
  reason: string;
  who?: string[];
}

export interface RemediationRequestDeps {
  catalog: RemediationCatalog;
  deploys: DeployLookup;
  store: ActionStore;
  queue: ActionQueue;
  audit: AuditLog;
  directory: GroupDirectory;
  contexts: ContextLookup;
  notifier: RemediationNotifier;
  clock: Clock;
}

/**
 * A click is seen to have landed within a second: by then a free worker has posted the status
 * message itself (running); otherwise (all busy, or none running) the clicker's side posts it, queued.
 */
export const QUEUED_POST_AFTER_MS = 1_000;

type Built = { spec: Omit<ActionSpec, 'run'> } | { refusal: string };

export type Prepared = { refusal: string; who?: string[] } | { deploy: Deploy | undefined; environment: string; targetMs: number | undefined };

const verb = (kind: RemediationKind) => (kind === 'rollback' ? 'roll it back' : 'switch its flags off');
const withWho = (reason: string, who: string[] | undefined) => (who ? `${reason}: ${who.map(mentionTarget).join(', ')}` : reason);
const mentionTarget = (id: string) => (id === SYSTEM_ACTOR ? 'Firebreak' : isOncallTarget(id) ? `\`${id}\`` : id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);

/**
 * The click side: checks, authorises and enqueues; only Redis round trips (and a cached user-group
 * lookup), so the Slack handler stays fast. The job does the rest.
 */
export class RemediationRequests {
  /** Ends the waits of showQueued on close. */
  private readonly closing = new AbortController();

  constructor(private readonly deps: RemediationRequestDeps) {}

  async request(click: Click): Promise<RequestOutcome> {
    return this.submit(click, false);
  }

  /**
   * The deploy guard's automatic rollback: Firebreak itself asks, authorised by the service's
   * `guard.mode: auto` rather than by its responders; everything else is the button's path.
   */
  async requestAsSystem(click: Omit<Click, 'actor'>): Promise<RequestOutcome> {
    return this.submit({ ...click, actor: SYSTEM_ACTOR }, true);
  }

  private async submit(click: Click, system: boolean): Promise<RequestOutcome> {
    const { catalog, store, queue, audit } = this.deps;
    const refuse = async (reason: string, who?: string[]): Promise<RequestOutcome> => {
      const what = click.kind === 'rollback' ? 'rollback' : `disabling flag ${click.flagKey ?? ''}`.trim();
      await audit.record(click.context, {
        actor: click.actor,
        text: `Refused ${what} of ${click.service} for ${mentionTarget(click.actor)}: ${withWho(reason, who)}`,
        data: { remediation: 'refused', kind: click.kind, service: click.service, deployId: click.deployId, flagKey: click.flagKey, reason },
      });
      return { outcome: 'refused', reason, ...(who ? { who } : {}) };
    };
    const settings = catalog.service(click.service);
    if (!settings) return refuse(`${click.service} is not a configured service`);
    const denied = system ? undefined : await this.authorise(click, settings);
    if (denied) return refuse(denied.reason, denied.who);
    const built = await this.build(click, settings);
    if ('refusal' in built) return refuse(built.refusal);

    const claim = await store.claim(built.spec, remediationTargetKey(built.spec), blockingStates(built.spec.kind));
    const { record } = claim;
    if (claim.outcome === 'claimed') {
      await queue.enqueue(record.spec);
      await audit.record(click.context, {
        actor: click.actor,
        text: `${mentionTarget(click.actor)} asked for the ${describeAction(record.spec)}${record.spec.run > 1 ? ` (run ${record.spec.run})` : ''}`,
        data: { remediation: 'requested', actionId: record.spec.id, run: record.spec.run },
      });
      return { outcome: 'queued', record };
    }
    // A handler that died between claiming and enqueueing left a queued action without a job: the
    // next click re-adds it (a no-op when the job exists: its id is the action's).
    if (claim.outcome === 'taken' && record.progress.state === 'queued') await queue.enqueue(record.spec);
    await audit.record(click.context, {
      actor: click.actor,
      text: `${mentionTarget(click.actor)} asked again for the ${describeAction(record.spec)}: already ${record.progress.state}, started by ${mentionTarget(record.spec.actor)}`,
      data: { remediation: 'duplicate', actionId: record.spec.id, state: record.progress.state, conflict: claim.outcome === 'conflict' },
    });
    return { outcome: 'already', record, elsewhere: claim.outcome === 'conflict' };
  }

  /**
   * After a queued click (Slack already acknowledged): unless a worker took the run's status message
   * within QUEUED_POST_AFTER_MS, post it here as the action stands (usually queued); the worker then
   * only updates it, so the thread reads in order. Returns early on close.
   */
  async showQueued(record: ActionRecord): Promise<void> {
    const { store, notifier, clock } = this.deps;
    try {
      await sleep(QUEUED_POST_AFTER_MS, undefined, { signal: this.closing.signal });
    } catch {
      return; // closing: a worker posts it when it starts the job
    }
    const { id, run } = record.spec;
    if (!(await store.claimStatusPost(id, run, 'clicker'))) return;
    const current = await store.get(id);
    const ts = await notifier.postStatus(current?.spec.run === run ? current : record, clock.now());
    await store.setStatusTs(id, run, ts);
  }

  /** Stop waiting to post status messages (the process is closing). */
  close(): void {
    this.closing.abort();
  }

  /**
   * Before offering buttons from a command: may `actor` act, and on which deploy (the incident's
   * suspect, else the service's latest)? A refusal is audited like a refused click.
   */
  async prepare(input: Pick<Click, 'kind' | 'service' | 'actor' | 'context'> & { suspectDeployId?: string }): Promise<Prepared> {
    const settings = this.deps.catalog.service(input.service);
    const refusal = await (async (): Promise<Denial | undefined> => {
      if (!settings) return { reason: `${input.service} is not a configured service` };
      const denied = await this.authorise(input, settings);
      if (denied) return denied;
      if (input.kind === 'rollback' && !settings.rollback) return { reason: `${input.service} has no rollback executor configured (services.${input.service}.rollback)` };
      if (input.kind === 'disable-flag' && !settings.flags) return { reason: `${input.service} has no flag provider configured (services.${input.service}.flags)` };
      return undefined;
    })();
    if (refusal || !settings) {
      const { reason, who } = refusal ?? { reason: 'unknown service' };
      await this.deps.audit.record(input.context, {
        actor: input.actor,
        text: `Refused ${input.kind === 'rollback' ? 'rollback' : 'disabling a flag'} of ${input.service} for ${mentionTarget(input.actor)}: ${withWho(reason, who)}`,
        data: { remediation: 'refused', kind: input.kind, service: input.service, reason },
      });
      return { refusal: reason, ...(who ? { who } : {}) };
    }
    const deploy = await this.suspectDeploy(input.service, input.suspectDeployId);
    const targetMs = deploy ? this.deps.catalog.rollbackTargetMs(deploy.strategy) : undefined;
    return { deploy, environment: deploy?.environment ?? settings.environment, targetMs };
  }

  /** The deploy an incident most likely comes from: its suspect, else the service's latest deploy. */
  async suspectDeploy(service: string, suspectDeployId?: string): Promise<Deploy | undefined> {
    const suspect = suspectDeployId ? await this.deps.deploys.get(suspectDeployId) : undefined;
    if (suspect && suspect.service === service) return suspect;
    const settings = this.deps.catalog.service(service);
    return settings ? this.deps.deploys.latest(service, settings.environment) : undefined;
  }

  /** Undefined when `actor` may act on the service, else why not. */
  async authorise(click: Pick<Click, 'actor' | 'kind' | 'service'>, settings: ServiceRemediation): Promise<Denial | undefined> {
    const { responders } = settings;
    if (responders.length === 0) {
      return { reason: `${click.service} has no responders configured, so nobody may ${verb(click.kind)} from Slack (services.${click.service}.responders)` };
    }
    if (responders.includes(click.actor)) return undefined;
    for (const group of responders.filter((id) => id.startsWith('S') || isOncallTarget(id))) {
      let members: string[];
      try {
        members = await this.deps.directory.groupMembers(group);
      } catch (error) {
        return { reason: `could not check membership of user group ${group} (${error instanceof Error ? error.message : String(error)}); try again` };
      }
      if (members.includes(click.actor)) return undefined;
    }
    return { reason: `only ${click.service}'s responders may ${verb(click.kind)}`, who: [...responders] };
  }

  private async build(click: Click, settings: ServiceRemediation): Promise<Built> {
    const [info, deploy] = await Promise.all([
      this.deps.contexts.describe(click.context, click.service),
      click.deployId ? this.deps.deploys.get(click.deployId) : Promise.resolve(undefined),
    ]);
    const common = {
      service: click.service,
      context: click.context,
      incidentId: click.context.kind === 'incident' ? click.context.id : info?.incidentId,
      actor: click.actor,
      requestedAt: this.deps.clock.now().toISOString(),
      reason: info?.title ?? `requested from Slack by <@${click.actor}>`,
      thread: click.thread,
    };
    if (click.kind === 'disable-flag') {
      if (!settings.flags) return { refusal: `${click.service} has no flag provider configured (services.${click.service}.flags)` };
      if (!click.flagKey) return { refusal: 'no flag was named' };
      return {
        spec: {
          ...common,
          id: remediationActionId('disable-flag', click.context, click.flagKey),
          kind: 'disable-flag',
          environment: deploy?.environment ?? settings.environment,
          deployId: deploy?.id,
          flagKey: click.flagKey,
          retry: { attempts: settings.flags.attempts, backoffMs: settings.flags.backoffMs },
        },
      };
    }
    if (!settings.rollback) return { refusal: `${click.service} has no rollback executor configured (services.${click.service}.rollback)` };
    const refusal = await this.rollbackRefusal(click, deploy);
    if (refusal || !deploy?.previousVersion) return { refusal: refusal ?? 'no previous version' };
    return {
      spec: {
        ...common,
        id: remediationActionId('rollback', click.context, deploy.id),
        kind: 'rollback',
        environment: deploy.environment,
        deployId: deploy.id,
        fromVersion: deploy.version,
        toVersion: deploy.previousVersion,
        strategy: deploy.strategy,
        retry: { attempts: settings.rollback.attempts, backoffMs: settings.rollback.backoffMs },
      },
    };
  }

  /** A rollback only makes sense for the live version of a deploy we know the predecessor of. */
  private async rollbackRefusal(click: Click, deploy: Deploy | undefined): Promise<string | undefined> {
    if (!click.deployId) return 'no deploy was named';
    if (!deploy) return `deploy ${click.deployId} is no longer known (deploys are kept for the retention period)`;
    if (deploy.service !== click.service) return `deploy ${deploy.id} belongs to ${deploy.service}, not ${click.service}`;
    if (!deploy.previousVersion) return `${deploy.service} ${deploy.version} has no known previous version to go back to`;
    if (endsVersion(deploy.status)) return `${deploy.service} ${deploy.version} is not live (${deploy.status.replace('_', ' ')})`;
    const latest = await this.deps.deploys.latest(deploy.service, deploy.environment);
    if (latest && latest.version === deploy.version && latest.status === 'rolled_back') {
      return `${deploy.service} ${deploy.version} was already rolled back (${latest.previousVersion ?? 'the previous version'} is current in ${deploy.environment})`;
    }
    if (latest && latest.version !== deploy.version) {
      return `${deploy.service} was deployed again since (${latest.version} is the latest in ${deploy.environment}); rolling back ${deploy.version} would undo that too`;
    }
    if (latest && endsVersion(latest.status)) return `${deploy.service} ${deploy.version} is not live any more (${latest.status.replace('_', ' ')})`;
    return undefined;
  }
}
