import { TZDate } from '@date-fns/tz';
import type { OnCallNow, Override, Rotation, Shift } from './model';

/**
 * Rotation arithmetic. With a time zone, turns are counted in local wall-clock time (a 1w turn that
 * starts Monday 09:00 Europe/Berlin hands over at Monday 09:00 local, before and after a DST change);
 * without one, in absolute time.
 */

function wallClock(instant: Date, timezone?: string): number {
  if (!timezone) return instant.getTime();
  const local = new TZDate(instant.getTime(), timezone);
  return Date.UTC(local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds(), local.getMilliseconds());
}

function fromWallClock(wall: number, timezone?: string): Date {
  if (!timezone) return new Date(wall);
  const w = new Date(wall);
  const local = new TZDate(w.getUTCFullYear(), w.getUTCMonth(), w.getUTCDate(), w.getUTCHours(), w.getUTCMinutes(), w.getUTCSeconds(), w.getUTCMilliseconds(), timezone);
  return new Date(local.getTime());
}

/** The n-th turn (0 = the first member's first turn). */
export function turn(rotation: Rotation, n: number): Shift {
  const origin = wallClock(rotation.start, rotation.timezone);
  const count = rotation.members.length;
  return {
    userId: rotation.members[((n % count) + count) % count]!,
    from: fromWallClock(origin + n * rotation.length, rotation.timezone),
    until: fromWallClock(origin + (n + 1) * rotation.length, rotation.timezone),
  };
}

/** The scheduled turn at `at`; undefined before the rotation starts. */
export function scheduledShiftAt(rotation: Rotation, at: Date): Shift | undefined {
  if (at.getTime() < rotation.start.getTime()) return undefined;
  let n = Math.floor((wallClock(at, rotation.timezone) - wallClock(rotation.start, rotation.timezone)) / rotation.length);
  // Near a DST change the estimate may be one off: settle on the turn that holds `at`.
  while (n > 0 && turn(rotation, n).from.getTime() > at.getTime()) n--;
  while (turn(rotation, n).until.getTime() <= at.getTime()) n++;
  return turn(rotation, n);
}

/** The override in force at `at` (the latest taken wins), if any. */
export function overrideAt(overrides: Override[], at: Date): Override | undefined {
  const t = at.getTime();
  return overrides
    .filter((o) => Date.parse(o.from) <= t && t < Date.parse(o.until))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
}

/** Who is on call at `at`: an override, else the scheduled member (nobody before the start). */
export function onCallAt(rotation: Rotation, overrides: Override[], at: Date): string | undefined {
  return overrideAt(overrides, at)?.userId ?? scheduledShiftAt(rotation, at)?.userId;
}

/** The first moment after `after` at which the schedule or an override could change who is on call. */
export function nextChangePoint(rotation: Rotation, overrides: Override[], after: Date): Date {
  const t = after.getTime();
  const candidates = [t < rotation.start.getTime() ? rotation.start : scheduledShiftAt(rotation, after)!.until];
  for (const o of overrides) for (const edge of [o.from, o.until]) if (Date.parse(edge) > t) candidates.push(new Date(edge));
  return new Date(Math.min(...candidates.map((d) => d.getTime())));
}

/** The next handoff after `after`: when the person on call changes and who takes over. */
export function nextHandoff(rotation: Rotation, overrides: Override[], after: Date): { at: Date; userId: string | undefined } | undefined {
  const current = onCallAt(rotation, overrides, after);
  let t = after;
  // Every member's turn plus every override edge bounds the points to look at.
  for (let i = 0; i < rotation.members.length + 2 * overrides.length + 2; i++) {
    t = nextChangePoint(rotation, overrides, t);
    const userId = onCallAt(rotation, overrides, t);
    if (userId !== current) return { at: t, userId };
  }
  return undefined;
}

export function onCallNow(rotation: Rotation, overrides: Override[], now: Date): OnCallNow {
  const handoff = nextHandoff(rotation, overrides, now);
  const override = overrideAt(overrides, now);
  return {
    rotation: rotation.name,
    userId: onCallAt(rotation, overrides, now),
    ...(handoff ? { until: handoff.at, next: handoff.userId } : {}),
    ...(override ? { override } : {}),
  };
}
