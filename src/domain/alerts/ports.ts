import type { Alert, AlertChange, AlertState, AlertStatus } from './model';

export interface RecordedAlert {
  fingerprint: string;
  /** First notification ever (within retention) for this fingerprint. */
  isNew: boolean;
  changed: AlertChange;
  /** The state after this notification (a stale resend does not change it). */
  state: AlertStatus;
  count: number;
}

/** The state of every alert by service and fingerprint; atomic across replicas. */
export interface AlertTracker {
  record(alert: Alert, nowMs: number): Promise<RecordedAlert>;
  /** Several alerts (one webhook's group) in one round trip; results in the same order. */
  recordMany(alerts: Alert[], nowMs: number): Promise<RecordedAlert[]>;
  get(service: string, fingerprint: string): Promise<AlertState | undefined>;
  /** Alerts of `service` last seen at or after `sinceMs`, most recently seen first. */
  recent(service: string, options?: { sinceMs?: number; limit?: number; state?: AlertStatus }): Promise<AlertState[]>;
}
