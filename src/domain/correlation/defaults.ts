import type { CorrelationPolicy, Diagnosis } from './model';

/** The recent-deployment-issue runbook: < 30 min strong, up to 2 h possible. */
export const DEFAULT_CORRELATION_POLICY: Required<CorrelationPolicy> = {
  strongMs: 30 * 60_000,
  possibleMs: 2 * 3_600_000,
  migrationDelayMs: 2 * 60_000,
};

/** Fallback texts (debug guide "High Error Rate After Deploy"), used when the caller passes none. */
export const DEFAULT_QUICK_DIAGNOSIS: Diagnosis[] = [
  {
    pattern: 'all-endpoints',
    reading: 'Errors on all endpoints immediately',
    likelyCause: 'App failing to start — bad config, missing env var, schema mismatch',
  },
  {
    pattern: 'specific-endpoint',
    reading: 'Errors on specific endpoints only',
    likelyCause: 'Code change introduced a bug on that path',
  },
  {
    pattern: 'partial-recovery',
    reading: 'Errors spike then recover partially',
    likelyCause: 'Rolling deploy — some pods on new version, some on old',
  },
  {
    pattern: 'under-load',
    reading: 'Errors only under load',
    likelyCause: 'New code has a performance regression or race condition',
  },
  {
    pattern: 'after-migration',
    reading: 'Errors start minutes after deploy',
    likelyCause: 'DB migration ran and broke a query or constraint',
  },
];

export const DEFAULT_NOT_A_REGRESSION: string[] = [
  'Check for an upstream dependency failure',
  'Check for an infrastructure event',
  'Check whether a scheduled job or cron ran at the same time',
  'Check whether a certificate or token expired coincidentally',
];
