import type { Clock } from '../../lib/clock';
import { FirebreakError } from '../../lib/errors';
import { isOncallTarget, parseOncallTarget, type ExternalBoardEntry, type OnCallNow, type Override, type Rotation } from './model';
import type { ExternalSchedules, OverrideStore } from './ports';
import { nextHandoff, onCallAt, onCallNow } from './schedule';

export interface OncallDeps {
  rotations: Record<string, Rotation>;
  overrides: OverrideStore;
  /** Absent: `pagerduty:` and `opsgenie:` targets resolve to nobody. */
  external?: ExternalSchedules;
  /** The `pagerduty:` and `opsgenie:` targets the config names, shown by `/incident oncall`. */
  externalTargets?: string[];
  clock: Clock;
}

/** A target whose provider failed: the last known answer was used. */
export interface StaleTarget {
  target: string;
  /** When the answer used was fetched; absent when there is none. */
  knownAt?: string;
  error: string;
}

export interface ResolvedTargets {
  /** Slack users and user groups, in the order named, without duplicates. */
  targets: string[];
  stale: StaleTarget[];
}

/** A change of who is on call of one rotation at one moment. */
export interface Handoff {
  rotation: string;
  at: Date;
  from: string | undefined;
  to: string | undefined;
}

const ONE_MS = 1;

export class OncallService {
  constructor(private readonly deps: OncallDeps) {}

  rotationNames(): string[] {
    return Object.keys(this.deps.rotations);
  }

  private rotation(name: string): Rotation {
    const rotation = this.deps.rotations[name];
    if (!rotation) throw new FirebreakError('not_found', `no rotation "${name}" (known: ${this.rotationNames().join(', ') || 'none'})`);
    return rotation;
  }

  /** Per rotation: who is on call now, until when, who is next; per external schedule: who is on call now. */
  async board(now = this.deps.clock.now()): Promise<{ rotations: OnCallNow[]; external: ExternalBoardEntry[] }> {
    const rotations: OnCallNow[] = [];
    for (const rotation of Object.values(this.deps.rotations)) rotations.push(onCallNow(rotation, await this.deps.overrides.list(rotation.name, now), now));
    const external: ExternalBoardEntry[] = [];
    for (const target of this.deps.externalTargets ?? []) {
      const parsed = parseOncallTarget(target);
      if (!parsed || parsed.kind === 'rotation' || !this.deps.external) continue;
      external.push({ target, ...(await this.deps.external.onCall(parsed, now)) });
    }
    return { rotations, external };
  }

  /** Who is on call of a rotation at `at`. */
  async onCall(name: string, at = this.deps.clock.now()): Promise<string | undefined> {
    const rotation = this.rotation(name);
    return onCallAt(rotation, await this.deps.overrides.list(name, at), at);
  }

  /** `rotation:`, `pagerduty:` and `opsgenie:` targets replaced by whoever is on call at `at`; others kept. */
  async resolve(targets: string[], at = this.deps.clock.now()): Promise<ResolvedTargets> {
    const resolved: string[] = [];
    const stale: StaleTarget[] = [];
    for (const target of targets) {
      const parsed = parseOncallTarget(target);
      if (!parsed) resolved.push(target);
      else if (parsed.kind === 'rotation') {
        const userId = this.deps.rotations[parsed.name] ? await this.onCall(parsed.name, at) : undefined;
        if (userId) resolved.push(userId);
      } else if (this.deps.external) {
        const answer = await this.deps.external.onCall(parsed, at);
        resolved.push(...answer.users);
        if (answer.stale) stale.push({ target, ...answer.stale });
      }
    }
    return { targets: [...new Set(resolved)], stale };
  }

  /** Plain resolution (who may press Rollback now): on-call targets to users, the rest as they are. */
  async members(target: string, at = this.deps.clock.now()): Promise<string[]> {
    return isOncallTarget(target) ? (await this.resolve([target], at)).targets : [target];
  }

  /** `/incident oncall override <rotation> @user <duration>`: `userId` is on call from now for `durationMs`. */
  async override(input: { rotation: string; userId: string; durationMs: number; by: string }): Promise<Override> {
    this.rotation(input.rotation);
    if (!(input.durationMs > 0)) throw new FirebreakError('validation_failed', 'the duration must be longer than zero');
    const now = this.deps.clock.now();
    const override: Override = {
      rotation: input.rotation,
      userId: input.userId,
      from: now.toISOString(),
      until: new Date(now.getTime() + input.durationMs).toISOString(),
      by: input.by,
      at: now.toISOString(),
    };
    await this.deps.overrides.add(override);
    return override;
  }

  /** What happens at `at` in a rotation: a handoff when the person changes there. */
  async handoffAt(name: string, at: Date): Promise<Handoff | undefined> {
    const rotation = this.rotation(name);
    const overrides = await this.deps.overrides.list(name, new Date(at.getTime() - ONE_MS));
    const from = onCallAt(rotation, overrides, new Date(at.getTime() - ONE_MS));
    const to = onCallAt(rotation, overrides, at);
    return from === to ? undefined : { rotation: name, at, from, to };
  }

  /** When the next handoff after `after` happens (to schedule its job). */
  async nextHandoffAfter(name: string, after: Date): Promise<Date | undefined> {
    const rotation = this.rotation(name);
    return nextHandoff(rotation, await this.deps.overrides.list(name, after), after)?.at;
  }
}
