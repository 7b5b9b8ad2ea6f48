import type { Alert } from '../alerts/model';
import type { Deploy } from '../deploys/model';

export type Strength = 'strong' | 'possible';

export interface CorrelationPolicy {
  /** A deploy younger than this when the alert started is a strong suspect. */
  strongMs: number;
  /** Up to and including this age it is a possible suspect; older ones are not suspects. */
  possibleMs: number;
  /** "Errors start minutes after deploy": the least delay that reads as a migration. */
  migrationDelayMs?: number;
}

/** The ids of the debug guide's quick-diagnosis patterns, as runbook-content/policy.yaml names them. */
export const DIAGNOSIS_PATTERNS = [
  'all-endpoints',
  'specific-endpoint',
  'partial-recovery',
  'under-load',
  'after-migration',
] as const;
export type DiagnosisPattern = (typeof DIAGNOSIS_PATTERNS)[number];

/** One row of the quick-diagnosis table; texts come from runbook content. */
export interface Diagnosis {
  pattern: string;
  reading: string;
  likelyCause: string;
}

export interface ChangeSummary {
  config: boolean;
  dependencies: boolean;
  migrations: string[];
  flagsEnabled: string[];
  flagsDisabled: string[];
  /** One line for people: "config, 1 migration (0042_add_col), flag new-checkout on". */
  text: string;
}

export interface Suspect {
  deploy: Deploy;
  strength: Strength;
  /** Alert start minus deploy timestamp, >= 0. */
  ageMs: number;
  /** Set when the deploy is of a service the alerting service depends on: that service's name. */
  viaDependency?: string;
  changes: ChangeSummary;
}

export interface Verdict {
  kind: Strength | 'none';
  /** Best first: strength, then the alerting service's own deploys, then finished ones, then newest. */
  suspects: Suspect[];
  top?: Suspect;
  diagnosis: Diagnosis[];
  /** For `none`: the debug guide's "not a regression" checklist. */
  advice: string[];
}

export interface CorrelationInput {
  alert: Alert;
  /** Candidate deploys of the alert's service and its dependencies; others are ignored. */
  deploys: Deploy[];
  /** Services the alert's service declares in `dependsOn`. */
  dependencies?: string[];
  policy: CorrelationPolicy;
  /** runbook-content policy.yaml `quickDiagnosis`; defaults to the debug guide's table. */
  quickDiagnosis?: Diagnosis[];
  /** runbook-content policy.yaml `notARegression`; defaults to the debug guide's list. */
  notARegression?: string[];
}
