import type { Deploy } from '../deploys/model';
import type { GuardSettings, GuardWindow, WatchPointer } from './model';

/** What a deploy event means for its service's guard. */
export type WatchDecision =
  | { kind: 'start'; window: GuardWindow }
  /** The watched version was rolled back, failed, or is being replaced. */
  | { kind: 'end'; deployId: string; reason: string }
  | { kind: 'ignore'; why: string };

/**
 * A succeeded deploy of the watched environment starts a window (superseding the one before); a
 * newer deploy of another version that starts replaces the watched one; a rolled-back or failed
 * event of the watched version ends it. Events older than the watched deploy change nothing, and a
 * deploy whose window would already be over starts none. A resend of the watched deploy "starts"
 * it again: the caller finds the window and only makes sure its tick is scheduled.
 */
export function decideWatch(deploy: Deploy, current: WatchPointer | undefined, settings: GuardSettings, now: number): WatchDecision {
  if (deploy.environment !== settings.environment) return { kind: 'ignore', why: `not the guarded environment (${settings.environment})` };
  const deployedAt = Math.min(Date.parse(deploy.timestamp), now);
  if (current && deployedAt < current.deployedAt) return { kind: 'ignore', why: `older than the watched deploy of ${current.version}` };

  if (deploy.status === 'succeeded') {
    if (deployedAt + settings.windowMs <= now) return { kind: 'ignore', why: 'its guard window is already over' };
    return { kind: 'start', window: newWindow(deploy, deployedAt, settings, now) };
  }
  if (!current) return { kind: 'ignore', why: 'nothing watched' };
  if (deploy.version === current.version && (deploy.status === 'rolled_back' || deploy.status === 'failed')) {
    return { kind: 'end', deployId: current.deployId, reason: `${deploy.version} ${deploy.status.replace('_', ' ')}` };
  }
  if (deploy.status === 'started' && deploy.version !== current.version) {
    return { kind: 'end', deployId: current.deployId, reason: `superseded by the deploy of ${deploy.version}` };
  }
  return { kind: 'ignore', why: 'does not change the watched deploy' };
}

export function newWindow(deploy: Deploy, deployedAt: number, settings: GuardSettings, now: number): GuardWindow {
  return {
    deployId: deploy.id,
    service: deploy.service,
    environment: deploy.environment,
    version: deploy.version,
    previousVersion: deploy.previousVersion,
    strategy: deploy.strategy,
    mode: settings.mode,
    deployedAt,
    startedAt: now,
    endsAt: deployedAt + settings.windowMs,
    state: 'watching',
    tick: 0,
    breaches: [],
    problems: [],
  };
}

export function pointerOf(window: GuardWindow): WatchPointer {
  return { deployId: window.deployId, version: window.version, deployedAt: window.deployedAt };
}

/** When tick `n` is due: on a fixed cadence from the start, so slow evaluations do not drift. */
export function tickDueAt(window: Pick<GuardWindow, 'startedAt'>, tick: number, everyMs: number): number {
  return window.startedAt + tick * everyMs;
}
