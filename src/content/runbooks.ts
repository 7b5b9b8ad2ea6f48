import { readStructure, splitFrontMatter } from './markdown';
import { listMarkdown, parseYaml, readText, type Reading } from './read';
import { frontMatterSchema, type Runbook } from './schema';

/** The runbooks the product links to; each must exist in runbooks/. */
export const REQUIRED_RUNBOOKS = [
  'recent-deployment-issue',
  'deployment-rollback',
  'deployment',
  'high-error-rate-after-deploy',
  'incident-response',
] as const;

/** Sections every runbook must have (compared without case). */
export const REQUIRED_SECTIONS = ['Rollback plan', 'Success criteria'] as const;

function readRunbook(reading: Reading, name: string): Runbook | undefined {
  const file = `runbooks/${name}.md`;
  const text = readText(reading, file);
  if (text === undefined) return undefined;
  const parts = splitFrontMatter(text);
  if (!parts) {
    reading.issues.push({ path: file, message: 'missing front matter: the file must start with a --- block' });
    return undefined;
  }
  const frontMatter = parseYaml(reading, file, parts.frontMatter, frontMatterSchema);
  if (!frontMatter) return undefined;
  if (frontMatter.id !== name) {
    reading.issues.push({ path: `${file}: id`, message: `id "${frontMatter.id}" does not match the file name "${name}"` });
  }
  const runbook = { ...frontMatter, body: parts.body.trim(), ...readStructure(parts.body) };
  const headings = runbook.sections.map((section) => section.heading.toLowerCase());
  for (const required of REQUIRED_SECTIONS) {
    if (!headings.includes(required.toLowerCase())) {
      reading.issues.push({ path: file, message: `missing section "## ${required}"` });
    }
  }
  return runbook;
}

/** Every runbook in runbooks/, sorted by id; missing required ones and dangling `related` are issues. */
export function readRunbooks(reading: Reading): Runbook[] {
  const names = listMarkdown(reading, 'runbooks');
  for (const id of REQUIRED_RUNBOOKS) {
    if (!names.includes(id)) reading.issues.push({ path: `runbooks/${id}.md`, message: 'runbook is missing' });
  }
  return names.flatMap((name) => {
    const runbook = readRunbook(reading, name);
    for (const related of runbook?.related ?? []) {
      if (!names.includes(related)) {
        const message = `related runbook "${related}" does not exist`;
        reading.issues.push({ path: `runbooks/${name}.md: related`, message });
      }
    }
    return runbook ?? [];
  });
}
