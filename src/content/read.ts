import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { Issue } from '../lib/errors';
import { toIssues } from '../lib/zod-issues';

/** The content directory being read and every problem found so far (paths relative to it). */
export interface Reading {
  readonly dir: string;
  readonly issues: Issue[];
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** The text of `file`; a missing or unreadable file is recorded as an issue. */
export function readText(reading: Reading, file: string, missing = 'file is missing'): string | undefined {
  try {
    return readFileSync(path.join(reading.dir, file), 'utf8');
  } catch (error) {
    const message = isMissing(error) ? missing : `cannot read: ${error instanceof Error ? error.message : String(error)}`;
    reading.issues.push({ path: file, message });
    return undefined;
  }
}

/** Names (without `.md`) of the Markdown files in `folder`, sorted; none when it does not exist. */
export function listMarkdown(reading: Reading, folder: string): string[] {
  try {
    return readdirSync(path.join(reading.dir, folder), { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
      .map((entry) => entry.name.slice(0, -'.md'.length))
      .sort();
  } catch (error) {
    if (!isMissing(error)) reading.issues.push({ path: `${folder}/`, message: `cannot list: ${String(error)}` });
    return [];
  }
}

/** Parses YAML `text` from `file` and validates it; every YAML or schema problem becomes an issue. */
export function parseYaml<S extends z.ZodType>(
  reading: Reading,
  file: string,
  text: string,
  schema: S,
): z.output<S> | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      reading.issues.push({ path: file, message: `invalid YAML: ${error.message.split('\n')[0]}` });
    }
    return undefined;
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  for (const issue of toIssues(result.error)) {
    reading.issues.push({ path: issue.path ? `${file}: ${issue.path}` : file, message: issue.message });
  }
  return undefined;
}

/** Reads and validates the YAML file `file`. */
export function readYaml<S extends z.ZodType>(reading: Reading, file: string, schema: S): z.output<S> | undefined {
  const text = readText(reading, file);
  return text === undefined ? undefined : parseYaml(reading, file, text, schema);
}
