import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Mustache, { type TemplateSpans } from 'mustache';
import { parse as parseYaml } from 'yaml';

/**
 * "Nothing unused": every piece of runbook-content/ a person should see, as items to look for in
 * what the running bot produced. The walk is generic — every file under templates/, checklists/,
 * runbooks/ and drills/, severities.yaml and policy.yaml — so new content is covered without a list.
 */
export interface ContentItem {
  /** Where it comes from: `templates/x.md`, `policy.yaml: successCriteria.0`, `runbooks/x.md: ## Fix`. */
  source: string;
  /** Normalised pieces of text that must all appear in ONE surface (one message, modal or page). */
  fragments: string[];
  /** Instead of `fragments`: any one of these (a template whose every line sits in a conditional section, one per case). */
  alternatives?: string[][];
}

/** Slack mrkdwn / HTML / Markdown reduced to comparable words: entities decoded, markup and bullets dropped. */
export function normalise(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[*_~`]/g, '')
    .replace(/[|•☐…]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Text a person reads (a letter, and more than a single word or id); ids, durations and keys are not. */
const isProse = (value: string) => /[a-z]/i.test(value) && /\S\s+\S/.test(value.trim());
const significant = (fragment: string) => fragment.length >= 3 && /[a-z]/.test(fragment);

function listFiles(dir: string, folder: string, ext: string): string[] {
  try {
    return readdirSync(path.join(dir, folder))
      .filter((name) => name.endsWith(ext) && statSync(path.join(dir, folder, name)).isFile())
      .sort()
      .map((name) => `${folder}/${name}`);
  } catch {
    return [];
  }
}

/**
 * The literal text of a template outside its conditional sections, all of which every rendering
 * shows. A template whose lines all sit in sections (one per case) is used when one case is shown.
 */
export function templateItem(source: string, template: string): ContentItem {
  const pick = (lines: string[]) => lines.map(normalise).filter(significant);
  const literal = (spans: TemplateSpans): string[] =>
    spans.flatMap(([type, value, , , children]) => (type === 'text' ? value.split('\n') : type === '#' && Array.isArray(children) ? literal(children) : []));
  const spans = Mustache.parse(template);
  const outside = pick(spans.flatMap(([type, value]) => (type === 'text' ? value.split('\n') : [])));
  if (outside.length > 0) return { source, fragments: outside };
  const cases = spans.filter(([type, , , , children]) => type === '#' && Array.isArray(children)).map((span) => pick(literal(span[4] as TemplateSpans)));
  return { source, fragments: cases.flat(), alternatives: cases.filter((c) => c.length > 0) };
}

/** Every prose string of a YAML document, each an item of its own. */
export function yamlItems(source: string, document: unknown, at: string[] = []): ContentItem[] {
  if (typeof document === 'string') {
    return isProse(document) ? [{ source: `${source}: ${at.join('.')}`, fragments: [normalise(document)] }] : [];
  }
  if (Array.isArray(document)) return document.flatMap((value, index) => yamlItems(source, value, [...at, String(index)]));
  if (document && typeof document === 'object') {
    return Object.entries(document).flatMap(([key, value]) => yamlItems(source, value, [...at, key]));
  }
  return [];
}

/** A runbook: its front matter's prose, then every line of its body (headings, steps, paragraphs, table rows). */
export function runbookItems(source: string, markdown: string): ContentItem[] {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(markdown);
  const items = match ? yamlItems(source, parseYaml(match[1] ?? '')) : [];
  const body = match ? markdown.slice(match[0].length) : markdown;
  let heading = '(before the first section)';
  let inFence = false;
  for (const line of body.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence && /^##\s/.test(line)) heading = line.trim();
    const bare = normalise(line.replace(/^\s*#{1,6}\s+/, '').replace(/^\s*[-*+]\s+(\[ \]\s+)?/, ''));
    if (significant(bare)) items.push({ source: `${source}: ${heading}`, fragments: [bare] });
  }
  return items;
}

/** The walk over a content directory. */
export function contentItems(dir: string): ContentItem[] {
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  return [
    ...listFiles(dir, 'templates', '.md').map((file) => templateItem(file, read(file))),
    ...listFiles(dir, 'runbooks', '.md').flatMap((file) => runbookItems(file, read(file))),
    ...['checklists', 'drills'].flatMap((folder) => listFiles(dir, folder, '.yaml').flatMap((file) => yamlItems(file, parseYaml(read(file))))),
    ...listFiles(dir, '.', '.yaml').map((file) => file.replace(/^\.\//, '')).flatMap((file) => yamlItems(file, parseYaml(read(file)))),
  ];
}

/** Slack fields no person sees (ids, button values, metadata) are left out of a surface's text. */
const HIDDEN = new Set(['value', 'action_id', 'block_id', 'callback_id', 'private_metadata', 'type', 'style', 'ts', 'thread_ts', 'channel', 'url', 'image_url', 'trigger_id', 'view_id', 'hash', 'external_id', 'token', 'users', 'name', 'timestamp', 'file_id', 'channel_id', 'user', 'response_type', 'replace_original']);

/** The visible text of a Slack payload (a message, a view, a response), `text` before `description` so a cut option reads on. */
export function visibleText(node: unknown, key = ''): string {
  if (typeof node === 'string') return HIDDEN.has(key) ? '' : node;
  if (Array.isArray(node)) return node.map((value) => visibleText(value, key)).join('\n');
  if (node && typeof node === 'object') {
    const entries = Object.entries(node).filter(([k]) => !HIDDEN.has(k));
    entries.sort(([a], [b]) => Number(b === 'text') - Number(a === 'text'));
    return entries.map(([k, value]) => visibleText(value, k)).join('\n');
  }
  return '';
}

/** Items none of whose surfaces holds all their fragments. */
export function unreached(items: ContentItem[], surfaces: string[]): ContentItem[] {
  const normalised = surfaces.map(normalise);
  const shown = (fragments: string[]) => normalised.some((surface) => fragments.every((fragment) => surface.includes(fragment)));
  return items.filter((item) => !(item.alternatives ? item.alternatives.some(shown) : shown(item.fragments)));
}
