import { z } from 'zod';
import { signalSchema, type GuardWindow, type Signal } from '../guard/model';
import type { Deploy } from './model';

/**
 * Deploy announcements in the deployment runbook's wording: each deploy event of a service that
 * names an announcement channel (started, succeeded, failed, rolled back — Firebreak's own rollbacks
 * too) is one post; the guard's warnings and the verdict when its watch ends go in the thread of the
 * succeeded deploy's post. Each is a job with a deterministic id and a recorded step: said once.
 */

export const announcementJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deploy'), deployId: z.string().min(1) }),
  z.object({ kind: z.literal('warning'), deployId: z.string().min(1), signal: signalSchema }),
  z.object({ kind: z.literal('close'), deployId: z.string().min(1) }),
]);
export type AnnouncementJob = z.infer<typeof announcementJobSchema>;

/** `da-<deployId>`, `daw-<deployId>-<signal>`, `dac-<deployId>`: deterministic, no ':'. */
export function announcementJobId(job: AnnouncementJob): string {
  if (job.kind === 'deploy') return `da-${job.deployId}`;
  if (job.kind === 'warning') return `daw-${job.deployId}-${job.signal}`;
  return `dac-${job.deployId}`;
}

/** The step each job records, per deploy. */
export const announcementStep = (job: AnnouncementJob): string => (job.kind === 'warning' ? `warning-${job.signal}` : job.kind);

/** Where a service's deploys are announced, and which of its deploys count. */
export interface AnnouncementTarget {
  channel: string;
  environment: string;
}

/** Is a deploy event announced at all: a channel, the service's environment. */
export function announces(deploy: Pick<Deploy, 'environment'>, target: AnnouncementTarget | undefined): target is AnnouncementTarget {
  return target !== undefined && deploy.environment === target.environment;
}

/** How the guard's watch ended, as the thread's last word; undefined while it still watches. */
export type WatchClose =
  | { kind: 'breached'; signals: Signal[]; acted: boolean }
  | { kind: 'ended-early'; because: string }
  | { kind: 'unjudged' }
  | { kind: 'warned'; signals: Signal[] }
  | { kind: 'quiet' };

export function watchClose(window: GuardWindow): WatchClose | undefined {
  if (window.state === 'watching') return undefined;
  if (window.breaches.length > 0) return { kind: 'breached', signals: window.breaches.map((b) => b.signal), acted: window.state === 'acted' };
  if (window.state !== 'expired') return { kind: 'ended-early', because: window.endedBecause ?? 'the watch ended early' };
  // A gap is never read as healthy: "metrics normal" only when every signal was judged throughout.
  if (window.problems.length > 0) return { kind: 'unjudged' };
  const warnings = window.warnings ?? [];
  if (warnings.length > 0) return { kind: 'warned', signals: warnings.map((w) => w.signal) };
  return { kind: 'quiet' };
}

/** The started event of the same version before `deploy` (for the duration), from a newest-first list. */
export function startOf(deploy: Deploy, earlier: Deploy[]): Deploy | undefined {
  return earlier.find((d) => d.id !== deploy.id && d.status === 'started' && d.version === deploy.version && d.environment === deploy.environment);
}
