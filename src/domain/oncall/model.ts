/** Who is on call: rotations from the config, overrides taken in Slack, external schedules. */

/** A rotation (config `oncall.rotations.<name>`), with its duration already parsed. */
export interface Rotation {
  name: string;
  /** Slack user ids in turn order. */
  members: string[];
  /** When the first member's turn begins. */
  start: Date;
  /** Each turn, in ms of local (wall-clock) time when `timezone` is set. */
  length: number;
  /** IANA zone: handoffs keep their local time across DST changes. */
  timezone?: string;
}

/** Someone takes a rotation's shift from `from` until `until` (`/incident oncall override`). */
export interface Override {
  rotation: string;
  userId: string;
  from: string;
  until: string;
  /** Who took it, and when (the later of two overlapping overrides wins). */
  by: string;
  at: string;
}

/** One person's time on call. */
export interface Shift {
  userId: string;
  from: Date;
  until: Date;
}

/** `/incident oncall`: who is on call now, until when, and who is next. */
export interface OnCallNow {
  rotation: string;
  userId: string | undefined;
  /** Undefined when nothing changes (a one-member rotation without overrides). */
  until?: Date;
  next?: string;
  /** The current person holds an override. */
  override?: Override;
}

/** `/incident oncall` for a PagerDuty or Opsgenie schedule named in the config. */
export interface ExternalBoardEntry extends ExternalOnCall {
  target: string;
}

/** A target in `notify` or `responders` that names who is on call rather than a person. */
export type OncallTarget =
  | { kind: 'rotation'; name: string }
  | { kind: 'pagerduty'; name: string }
  | { kind: 'opsgenie'; name: string };

export const ONCALL_TARGET = /^(rotation|pagerduty|opsgenie):(.+)$/;

export function parseOncallTarget(target: string): OncallTarget | undefined {
  const match = ONCALL_TARGET.exec(target);
  if (!match) return undefined;
  return { kind: match[1] as OncallTarget['kind'], name: match[2]! };
}

export const isOncallTarget = (target: string): boolean => ONCALL_TARGET.test(target);

/** The answer of an external schedule; `stale` when the provider failed and the last known answer is used. */
export interface ExternalOnCall {
  users: string[];
  /** When the current shift ends, when the provider says (PagerDuty's `end`). */
  until?: string;
  stale?: { knownAt?: string; error: string };
}
