export { correlate } from './correlate';
export { summariseChanges } from './changes';
export { diagnosisPatterns, quickDiagnosis } from './diagnosis';
export { strengthForAge, suspectDeploys } from './suspects';
export { DEFAULT_CORRELATION_POLICY, DEFAULT_NOT_A_REGRESSION, DEFAULT_QUICK_DIAGNOSIS } from './defaults';
export * from './model';
