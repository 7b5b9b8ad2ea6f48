import type { GuardWindow } from '../guard/model';
import type { Deploy } from './model';
import { announces, type AnnouncementJob, type AnnouncementTarget } from './announce';

/** Announcement jobs, added with deterministic ids: adding one twice is one job. */
export interface AnnouncementQueue {
  add(job: AnnouncementJob): Promise<void>;
}

/**
 * Hands each announceable deploy event, guard warning and end of watch to the announcement queue;
 * nothing slow here (deploy intake and guard ticks call it). Called again for resends, retried ticks
 * and Firebreak's own rollbacks: the job ids and recorded steps make each post happen once.
 */
export class DeployAnnouncements {
  constructor(
    private readonly deps: {
      queue: AnnouncementQueue;
      target(service: string): AnnouncementTarget | undefined;
    },
  ) {}

  async deployed(deploy: Deploy): Promise<void> {
    if (!announces(deploy, this.deps.target(deploy.service))) return;
    await this.deps.queue.add({ kind: 'deploy', deployId: deploy.id });
  }

  async evaluated(window: GuardWindow): Promise<void> {
    if (!announces(window, this.deps.target(window.service))) return;
    for (const warning of window.warnings ?? []) await this.deps.queue.add({ kind: 'warning', deployId: window.deployId, signal: warning.signal });
    if (window.state !== 'watching') await this.deps.queue.add({ kind: 'close', deployId: window.deployId });
  }
}
