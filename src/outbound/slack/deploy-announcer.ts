import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import { joinMd, link, mentionTarget, slackMessage, type Mrkdwn } from '../../blocks/text';
import type { Content, TemplateVars } from '../../content';
import { announces, announcementStep, startOf, watchClose, type AnnouncementJob, type AnnouncementTarget } from '../../domain/deploys/announce';
import type { Deploy } from '../../domain/deploys/model';
import type { DeployHistory } from '../../domain/deploys/ports';
import { breachText, formatReading, SIGNAL_LABELS } from '../../domain/guard/describe';
import type { GuardSettings, GuardWindow } from '../../domain/guard/model';
import { triggersFor } from '../../domain/guard/triggers';
import type { Clock } from '../../lib/clock';
import { formatElapsed } from '../../lib/human-duration';
import type { RedisKeys } from '../../lib/keys';
import type { RedisSteps } from '../store/steps';

/** The succeeded deploy's post: where its thread is. */
interface Posted {
  channel: string;
  ts: string;
}

/** Its thread's post is not there yet (its own job is queued or running): retry later. */
export class AnnouncementPendingError extends Error {
  constructor(deployId: string) {
    super(`the announcement of deploy ${deployId} is not posted yet`);
    this.name = 'AnnouncementPendingError';
  }
}

const STARTED_LOOKBACK_MS = 24 * 3600_000;
const isUser = (id: string) => /^[UW][A-Z0-9]{2,}$/.test(id);

export interface DeployAnnouncerDeps {
  client: () => WebClient;
  content: Content;
  steps: RedisSteps;
  redis: Redis;
  keys: RedisKeys;
  retentionMs: number;
  deploys: Pick<DeployHistory, 'get' | 'before'>;
  windows: { window(deployId: string): Promise<GuardWindow | undefined> };
  target(service: string): AnnouncementTarget | undefined;
  guard(service: string): GuardSettings | undefined;
  /** The service's level-1 people (on-call), as Slack user / group ids. */
  onCall(service: string): Promise<string[]>;
  clock: Clock;
}

/**
 * Posts deploy announcements from the runbook's templates, each once (a recorded step per deploy):
 * the deploy events at the top of the service's deploy channel, the guard's warnings and its verdict
 * in the thread of the succeeded deploy's post.
 */
export class SlackDeployAnnouncer {
  constructor(private readonly deps: DeployAnnouncerDeps) {}

  async handle(job: AnnouncementJob): Promise<void> {
    const { steps } = this.deps;
    if (job.kind === 'deploy') {
      const deploy = await this.deps.deploys.get(job.deployId);
      const target = deploy && this.deps.target(deploy.service);
      if (!deploy || !announces(deploy, target)) return;
      await steps.once(job.deployId, announcementStep(job), async () => {
        const posted = await this.post(target.channel, await this.deployText(deploy));
        await this.deps.redis.set(this.deps.keys.deployAnnouncement(deploy.id), JSON.stringify(posted), 'PX', this.deps.retentionMs);
      });
      return;
    }
    const window = await this.deps.windows.window(job.deployId);
    if (!window) return;
    const text = job.kind === 'warning' ? this.warningText(window, job.signal) : this.closeText(window);
    if (!text) return;
    const thread = await this.thread(job.deployId);
    if (!thread) return;
    await steps.once(job.deployId, announcementStep(job), async () => void (await this.post(thread.channel, text, thread.ts)));
  }

  /** The succeeded deploy's post; undefined when it will never be there (given up), pending while it may still come. */
  private async thread(deployId: string): Promise<Posted | undefined> {
    const raw = await this.deps.redis.get(this.deps.keys.deployAnnouncement(deployId));
    if (raw) return JSON.parse(raw) as Posted;
    if ((await this.deps.steps.state(deployId, 'deploy')) === 'failed') return undefined;
    throw new AnnouncementPendingError(deployId);
  }

  private async post(channel: string, text: Mrkdwn, threadTs?: string): Promise<Posted> {
    const message = slackMessage(text);
    const posted = await this.deps.client().chat.postMessage({ channel, ...message, unfurl_links: false, ...(threadTs ? { thread_ts: threadTs } : {}) });
    if (!posted.ts) throw new Error('chat.postMessage returned no ts');
    return { channel: posted.channel ?? channel, ts: posted.ts };
  }

  private async deployText(deploy: Deploy): Promise<Mrkdwn> {
    const { content } = this.deps;
    const policy = content.policy;
    const vars: TemplateVars = {
      service: deploy.service,
      version: deploy.version,
      previousVersion: deploy.previousVersion,
      environment: deploy.environment,
      strategy: deploy.strategy,
      actor: deploy.actor === undefined ? undefined : isUser(deploy.actor) ? mentionTarget(deploy.actor) : deploy.actor,
      link: deploy.url ? link(deploy.url, 'Deploy details') : undefined,
      onCall: await this.onCall(deploy.service),
    };
    if (deploy.status === 'rolled_back') {
      const reason = deploy.source === 'firebreak' ? 'rolled back through Firebreak' : `reported by ${deploy.source === 'generic' ? 'the deploy webhook' : deploy.source === 'github' ? 'GitHub' : 'Argo CD'}`;
      return content.render('deploy-rolled-back', { ...vars, reason });
    }
    const at = Date.parse(deploy.timestamp);
    if (deploy.status !== 'started') {
      const started = startOf(deploy, await this.deps.deploys.before(deploy.service, deploy.environment, at, at - STARTED_LOOKBACK_MS, 20));
      if (started) vars.duration = formatElapsed(at - Date.parse(started.timestamp));
    }
    if (deploy.status === 'failed') return content.render('deploy-failed', vars);
    const guard = this.deps.guard(deploy.service);
    const watched = guard && guard.environment === deploy.environment && (deploy.status === 'started' || at + guard.windowMs > this.deps.clock.now().getTime());
    const target = policy.rollbackTargets[deploy.strategy];
    const plan = {
      rollbackPlan: deploy.previousVersion ? policy.rollbackPlans[deploy.strategy] : undefined,
      rollbackTarget: target === undefined ? undefined : formatElapsed(target),
      watch: watched ? formatElapsed(guard.windowMs) : undefined,
      humanOnly: humanOnly(policy.rollbackTriggers.humanOnly),
    };
    return content.render(deploy.status === 'started' ? 'deploy-started' : 'deploy-succeeded', { ...vars, ...plan });
  }

  private warningText(window: GuardWindow, signal: string): Mrkdwn | undefined {
    const warning = (window.warnings ?? []).find((w) => w.signal === signal);
    if (!warning) return undefined;
    const settings = this.deps.guard(window.service);
    const act = settings ? triggersFor(settings, window).act : undefined;
    const actLimit =
      act === undefined ? undefined : warning.signal === 'latencyP95' ? `${act.latencyP95.factor} × the baseline` : formatReading(warning.signal, act[warning.signal].threshold);
    return this.deps.content.render('deploy-warning', {
      service: window.service,
      version: window.version,
      crossing: breachText(warning),
      actLimit,
      humanOnly: humanOnly(this.deps.content.policy.rollbackTriggers.humanOnly),
    });
  }

  private closeText(window: GuardWindow): Mrkdwn | undefined {
    const close = watchClose(window);
    if (!close) return undefined;
    const vars: TemplateVars = { service: window.service, version: window.version, environment: window.environment, window: formatElapsed(window.endsAt - window.deployedAt) };
    if (close.kind === 'quiet') vars.quiet = 'yes';
    if (close.kind === 'warned') vars.warned = (window.warnings ?? []).map(breachText).join('; ');
    if (close.kind === 'unjudged') vars.unjudged = window.problems.map((p) => p.detail).join('; ');
    if (close.kind === 'ended-early') vars.endedEarly = close.because;
    if (close.kind === 'breached') {
      vars.breached = window.breaches.map(breachText).join('; ');
      vars.action = close.acted
        ? `The guard rolled it back to ${window.previousVersion ?? 'the previous version'}.`
        : window.mode === 'propose'
          ? `The guard proposed rolling back (${window.breaches.map((b) => SIGNAL_LABELS[b.signal]).join(', ')}); see its card.`
          : undefined;
    }
    return this.deps.content.render('deploy-watch-closed', vars);
  }

  private async onCall(service: string): Promise<Mrkdwn | undefined> {
    const people = await this.deps.onCall(service).catch(() => []);
    return people.length === 0 ? undefined : joinMd(people.map(mentionTarget), ', ');
  }
}

/** "data looks corrupt, a security hole shipped or a critical feature is broken". */
function humanOnly(triggers: string[]): string | undefined {
  if (triggers.length === 0) return undefined;
  if (triggers.length === 1) return triggers[0];
  return `${triggers.slice(0, -1).join(', ')} or ${triggers.at(-1) ?? ''}`;
}

