/** One claim of the reliability proof, with the figures measured for it. */
export interface Row {
  scenario: string;
  claim: string;
  figures: string;
  pass: boolean;
}

export function row(scenario: string, claim: string, pass: boolean, figures: Record<string, string | number | boolean>): Row {
  const text = Object.entries(figures)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  return { scenario, claim, figures: text, pass };
}

/** A Markdown table (it goes into the README as printed). */
export function formatTable(rows: Row[]): string {
  const lines = ['| scenario | claim | figures | holds |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.scenario} | ${r.claim} | ${r.figures} | ${r.pass ? 'yes' : '**NO**'} |`);
  return lines.join('\n');
}
