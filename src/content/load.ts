import path from 'node:path';
import { ContentError } from '../lib/errors';
import { listMarkdown, readText, readYaml, type Reading } from './read';
import { readDrills } from './drills';
import { readRunbooks } from './runbooks';
import type { DrillScenario } from '../domain/drills/model';
import { postRollbackChecklistSchema, type PostRollbackChecklist } from '../domain/recovery/model';
import {
  checklistSchema,
  policySchema,
  severitiesSchema,
  type ChecklistItem,
  type Policy,
  type Runbook,
  type Severity,
  type SeverityId,
} from './schema';
import { checkTemplate, isTemplateId, renderTemplate, TEMPLATE_IDS, type TemplateId, type TemplateVars } from './templates';
import type { Mrkdwn } from '../blocks/mrkdwn';

/** `<repo>/runbook-content`, from src/content under ts-jest/tsx and from dist/content alike. */
export const DEFAULT_CONTENT_DIR = path.resolve(__dirname, '../../runbook-content');

/** Runbooks, message templates, severities, checklists and policy, validated and ready to use. */
export interface Content {
  /** A message from its template, as Slack mrkdwn: string values escaped, Mrkdwn values as they are. */
  render(id: TemplateId, vars: TemplateVars): Mrkdwn;
  readonly severities: Record<SeverityId, Severity>;
  readonly policy: Policy;
  readonly postIncidentChecklist: ChecklistItem[];
  /** Posted after a rollback Firebreak ran, with a reminder per phase (checklists/post-rollback.yaml). */
  readonly postRollbackChecklist: PostRollbackChecklist;
  runbook(id: string): Runbook | undefined;
  readonly runbooks: Runbook[];
  /** Drill scenarios (drills/*.yaml), by id order. */
  readonly drills: DrillScenario[];
  drill(id: string): DrillScenario | undefined;
}

function readTemplates(reading: Reading): Map<TemplateId, string> {
  const templates = new Map<TemplateId, string>();
  const names = listMarkdown(reading, 'templates');
  for (const name of names) {
    const file = `templates/${name}.md`;
    if (!isTemplateId(name)) {
      reading.issues.push({ path: file, message: `unknown template "${name}"; known: ${TEMPLATE_IDS.join(', ')}` });
      continue;
    }
    const text = readText(reading, file);
    if (text === undefined) continue;
    for (const message of checkTemplate(name, text)) reading.issues.push({ path: file, message });
    templates.set(name, text);
  }
  for (const id of TEMPLATE_IDS) {
    if (!names.includes(id)) reading.issues.push({ path: `templates/${id}.md`, message: 'template is missing' });
  }
  return templates;
}

/**
 * Reads and validates everything under `dir`. Throws one ContentError listing every problem found,
 * so an operator fixes them all in one go.
 */
export function loadContent(dir: string = DEFAULT_CONTENT_DIR): Content {
  const reading: Reading = { dir, issues: [] };
  const templates = readTemplates(reading);
  const runbooks = readRunbooks(reading);
  const severities = readYaml(reading, 'severities.yaml', severitiesSchema);
  const postIncidentChecklist = readYaml(reading, 'checklists/post-incident.yaml', checklistSchema);
  const postRollbackChecklist = readYaml(reading, 'checklists/post-rollback.yaml', postRollbackChecklistSchema);
  const policy = readYaml(reading, 'policy.yaml', policySchema);
  const drills = readDrills(reading, runbooks.map((runbook) => runbook.id));
  if (reading.issues.length > 0 || !severities || !postIncidentChecklist || !postRollbackChecklist || !policy) {
    throw new ContentError(reading.issues);
  }
  const byId = new Map(runbooks.map((runbook) => [runbook.id, runbook]));
  return {
    render(id, vars) {
      const text = templates.get(id);
      if (text === undefined) throw new Error(`template "${id}" is not loaded`);
      return renderTemplate(text, vars);
    },
    severities,
    policy,
    postIncidentChecklist,
    postRollbackChecklist,
    runbook: (id) => byId.get(id),
    runbooks,
    drills,
    drill: (id) => drills.find((drill) => drill.id === id),
  };
}
