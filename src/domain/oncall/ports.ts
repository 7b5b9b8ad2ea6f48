import type { ExternalOnCall, OncallTarget, Override } from './model';

/** Overrides taken in Slack (Redis in production): kept until they end, and audited. */
export interface OverrideStore {
  /** Store the override and an audit entry of who took it. */
  add(override: Override): Promise<void>;
  /** The rotation's overrides that have not ended at `now`. */
  list(rotation: string, now: Date): Promise<Override[]>;
}

/** PagerDuty and Opsgenie schedules: who is on call now, as Slack user ids. */
export interface ExternalSchedules {
  onCall(target: Extract<OncallTarget, { kind: 'pagerduty' | 'opsgenie' }>, now: Date): Promise<ExternalOnCall>;
}
