import type { Worker } from 'bullmq';
import type { ConfigFile } from './config/file';
import type { AnnouncementTarget } from './domain/deploys/announce';
import { DeployAnnouncements } from './domain/deploys/announcements';
import type { NewDeploy } from './domain/deploys/model';
import type { DeployHistory, RecordedDeploy } from './domain/deploys/ports';
import type { GuardWatchListener } from './domain/guard/service';
import type { DeployWatcher } from './domain/intake/ports';
import type { DeployLookup } from './domain/remediation/action-ports';
import { startDeployAnnouncementWorker } from './inbound/workers/deploy-announcements';
import { BullAnnouncementQueue } from './outbound/jobs/deploy-announcements';
import { createQueue, QUEUE_NAMES } from './outbound/jobs/queues';
import { permanentSlackError } from './outbound/slack/errors';
import { SlackDeployAnnouncer } from './outbound/slack/deploy-announcer';
import type { SlackRefusals } from './outbound/slack/refusals';
import { RedisGuardStore } from './outbound/store/guard-store';
import { RedisSteps } from './outbound/store/steps';
import { guardCatalog } from './wire-guard';
import type { Wiring } from './wiring';

type AnnouncedHistory = DeployLookup & Pick<DeployHistory, 'record'>;

export interface AnnouncementsWiring {
  /** The deploy history for Firebreak's own rollbacks: recording one also announces it. */
  history(history: AnnouncedHistory): AnnouncedHistory;
  /** Deploy intake's watcher: the guard's, then the announcement's. */
  watcher(guard: DeployWatcher): DeployWatcher;
  /** Told by the guard after each evaluation: warnings and the end of the watch. */
  listener: GuardWatchListener;
  startWorker(): Worker;
  close(): Promise<void>;
}

/** `services.<name>.deployChannel`, else `deployAnnouncements`; deploys of the service's environment only. */
export function announcementTarget(config: ConfigFile, service: string): AnnouncementTarget | undefined {
  const settings = config.services[service];
  const channel = settings?.deployChannel ?? (settings ? config.deployAnnouncements : undefined);
  return channel ? { channel, environment: settings?.environment ?? config.environment } : undefined;
}

/** Part of the composition root: deploy announcements' queue, Slack side and worker. */
export function wireAnnouncements(options: Wiring & { deploys: DeployHistory; members(target: string): Promise<string[]>; refusals?: SlackRefusals }): AnnouncementsWiring {
  const { redis, keys, config, content, clock } = options;
  const logger = options.logger.child({ component: 'deploy-announcements' });
  const queue = createQueue(QUEUE_NAMES.deployAnnouncements, options.queueSettings);
  const target = (service: string) => announcementTarget(config, service);
  const announcements = new DeployAnnouncements({ queue: new BullAnnouncementQueue(queue), target });
  // Settings only: this catalog never builds a signal source.
  const catalog = guardCatalog(config, content, () => {
    throw new Error('deploy announcements read no signals');
  });
  const steps = new RedisSteps(redis, keys.deployAnnouncementStep, {
    permanent: permanentSlackError,
    givenUp: async ({ scope, step, code, error }) => options.refusals?.record(code, error, { deployId: scope, step }),
  });
  const announcer = new SlackDeployAnnouncer({
    client: options.client,
    content,
    steps,
    redis,
    keys,
    retentionMs: config.retention,
    deploys: options.deploys,
    windows: new RedisGuardStore(redis, keys, { retentionMs: config.retention }),
    target,
    guard: (service) => catalog.settings(service),
    onCall: async (service) => {
      const settings = config.services[service];
      const firstLevel = settings?.escalation?.[0]?.notify ?? settings?.responders ?? [];
      const resolved = await Promise.all(firstLevel.map((t) => options.members(t)));
      return [...new Set(resolved.flat())];
    },
    clock,
  });
  return {
    history(history) {
      return {
        get: (id) => history.get(id),
        latest: (service, environment) => history.latest(service, environment),
        async record(deploy: NewDeploy): Promise<RecordedDeploy> {
          const recorded = await history.record(deploy);
          await announcements.deployed({ ...deploy, id: recorded.id });
          return recorded;
        },
      };
    },
    watcher(guard) {
      return {
        async deployed(deploy) {
          await guard.deployed(deploy);
          await announcements.deployed(deploy);
        },
      };
    },
    listener: announcements,
    startWorker: () => startDeployAnnouncementWorker({ ...options.queueSettings, announcer, logger }),
    close: () => queue.close(),
  };
}
