import type { RunbookSection } from './schema';

/** Just enough Markdown reading for runbooks: front matter, `## ` sections, `- [ ]` steps. */

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/;
const FENCE = /^\s*(```|~~~)/;
const H2 = /^##[ \t]+(.+?)[ \t]*$/;
const STEP = /^\s*[-*+] \[ \][ \t]+(.+?)[ \t]*$/;

/** Splits `---\n<yaml>\n---\n<body>`; undefined when the file does not start with front matter. */
export function splitFrontMatter(text: string): { frontMatter: string; body: string } | undefined {
  const match = FRONT_MATTER.exec(text);
  if (!match) return undefined;
  return { frontMatter: match[1] ?? '', body: text.slice(match[0].length) };
}

/** The checklist steps and h2 sections of a Markdown body, ignoring fenced code blocks. */
export function readStructure(body: string): { steps: string[]; sections: RunbookSection[] } {
  const steps: string[] = [];
  const sections: { heading: string; lines: string[] }[] = [];
  let inFence = false;
  for (const line of body.split(/\r?\n/)) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : H2.exec(line);
    if (heading?.[1]) {
      sections.push({ heading: heading[1], lines: [] });
      continue;
    }
    const step = inFence ? null : STEP.exec(line);
    if (step?.[1]) steps.push(step[1]);
    sections.at(-1)?.lines.push(line);
  }
  return {
    steps,
    sections: sections.map(({ heading, lines }) => ({ heading, body: lines.join('\n').trim() })),
  };
}
