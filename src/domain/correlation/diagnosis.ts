import type { Alert } from '../alerts/model';
import { DEFAULT_CORRELATION_POLICY } from './defaults';
import type { CorrelationPolicy, Diagnosis, DiagnosisPattern, Suspect } from './model';

const ENDPOINT_LABELS = ['endpoint', 'path', 'route'] as const;
const ALL_ENDPOINTS = new Set(['*', 'all']);

function label(alert: Alert, key: string): string | undefined {
  return alert.labels[key]?.trim().toLowerCase() || undefined;
}

/** The endpoint scope the alert's labels state: every endpoint, a specific one, or unknown. */
function endpointScope(alert: Alert): 'all' | 'specific' | undefined {
  if (label(alert, 'scope') === 'all') return 'all';
  const endpoints = ENDPOINT_LABELS.map((key) => label(alert, key)).filter((v) => v !== undefined);
  if (endpoints.length === 0) return undefined;
  return endpoints.some((value) => ALL_ENDPOINTS.has(value)) ? 'all' : 'specific';
}

/**
 * The debug guide's quick-diagnosis patterns that the alert's labels and the suspects show, in the
 * guide's order. Only meaningful when something was deployed, so callers pass the suspects.
 */
export function diagnosisPatterns(alert: Alert, suspects: Suspect[], policy: CorrelationPolicy): DiagnosisPattern[] {
  const top = suspects[0];
  if (!top) return [];
  const patterns: DiagnosisPattern[] = [];
  const scope = endpointScope(alert);
  if (scope === 'all') patterns.push('all-endpoints');
  if (scope === 'specific') patterns.push('specific-endpoint');
  const partialRecovery =
    label(alert, 'pattern') === 'partial-recovery' ||
    (top.deploy.strategy === 'rolling' && label(alert, 'recovery') === 'partial');
  if (partialRecovery) patterns.push('partial-recovery');
  if (label(alert, 'trigger') === 'load' || label(alert, 'under_load') === 'true') patterns.push('under-load');
  const migrationDelayMs = policy.migrationDelayMs ?? DEFAULT_CORRELATION_POLICY.migrationDelayMs;
  const migrated = suspects.find((s) => s.deploy.changes.migrations.length > 0);
  if (migrated && migrated.ageMs >= migrationDelayMs) patterns.push('after-migration');
  return patterns;
}

/** The rows of `table` for the patterns found; a pattern the operator removed from the table is skipped. */
export function quickDiagnosis(patterns: DiagnosisPattern[], table: Diagnosis[]): Diagnosis[] {
  return patterns.flatMap((pattern) => table.filter((row) => row.pattern === pattern).slice(0, 1));
}
