export { DEFAULT_CONTENT_DIR, loadContent, type Content } from './load';
export { REQUIRED_RUNBOOKS, REQUIRED_SECTIONS } from './runbooks';
export {
  DEPLOY_STRATEGIES,
  DIAGNOSIS_PATTERNS,
  SEVERITY_IDS,
  type ChecklistItem,
  type DeployStrategy,
  type DiagnosisPattern,
  type Policy,
  type Runbook,
  type RunbookSection,
  type Severity,
  type SeverityId,
} from './schema';
export { TEMPLATE_IDS, TEMPLATES, isTemplateId, type TemplateId, type TemplateVars } from './templates';
