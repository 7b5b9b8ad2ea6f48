import type { KnownBlock, View } from '@slack/types';
import type { Runbook } from '../content/schema';
import { RUNBOOK_ACTIONS, RUNBOOK_CHECKS_BLOCK, RUNBOOK_VIEW, SHOW_ALL_TEXT } from './runbook-ids';
import type { SlackMessage } from './incident-messages';
import { context, joinMd, md, mrkdwn, plain, section, slackMessage, text, truncate, type Mrkdwn } from './text';

/** How many first checks the card shows as checkboxes (Slack allows 10). */
const FIRST_CHECKS = 5;
const OPTION_TEXT = 75;

/** Runbook Markdown (operator-written) as Slack mrkdwn, every piece escaped: # headings → bold lines, bullets → •. */
export function markdownToMrkdwn(markdown: string): Mrkdwn {
  return joinMd(
    markdown.split('\n').map((line) => {
      const plainLine = line.replace(/\*\*(.+?)\*\*/g, '$1');
      const heading = /^#{1,6}[ \t]+(.+)$/.exec(plainLine);
      if (heading) return md`*${heading[1] ?? ''}*`;
      const step = /^(\s*)[-*+] \[ \][ \t]+(.*)$/.exec(plainLine);
      if (step) return md`${step[1] ?? ''}☐ ${step[2] ?? ''}`;
      const bullet = /^(\s*)[-+] (.*)$/.exec(plainLine);
      if (bullet) return md`${bullet[1] ?? ''}• ${bullet[2] ?? ''}`;
      return text(plainLine);
    }),
  );
}

/** The first section whose heading matches. */
export function sectionOf(runbook: Runbook, heading: RegExp): string | undefined {
  return runbook.sections.find((s) => heading.test(s.heading))?.body;
}

/** List items of a section ("1. x", "- x"), without their markers. */
export function listItems(body: string | undefined): string[] {
  return (body ?? '')
    .split('\n')
    .map((line) => /^\s*(?:\d+[.)]|[-*+])\s+(?!\[ \])(.+)$/.exec(line)?.[1]?.trim())
    .filter((item): item is string => Boolean(item));
}

export interface RunbookCardInput {
  runbook: Runbook;
  /** The triggering alert's quick-diagnosis readings, when an alert opened the incident. */
  diagnosis: { reading: string; likelyCause: string }[];
  /** Likely causes, ranked (diagnosis first, then the runbook's). */
  causes: string[];
  /** "Roll back first" when the alert's value says so. */
  recommendation?: string;
  incidentId?: string;
}

/** Slack cuts option texts at 75 characters: a long step continues, at a word break, in the description. */
function checkOption(step: string, index: number) {
  if (step.length <= OPTION_TEXT) return { value: `s${index}`, text: plain(step) };
  const head = step.slice(0, OPTION_TEXT - 1);
  const cut = head.lastIndexOf(' ') > OPTION_TEXT / 2 ? head.lastIndexOf(' ') : OPTION_TEXT - 1;
  return { value: `s${index}`, text: plain(`${step.slice(0, cut).trimEnd()}…`), description: plain(truncate(`…${step.slice(cut).trimStart()}`, OPTION_TEXT)) };
}

/** The card in the incident channel: what a responder needs first, with Show all for the rest. */
export function runbookCard(input: RunbookCardInput): SlackMessage {
  const { runbook } = input;
  const blocks: KnownBlock[] = [section(md`:blue_book: *Runbook: ${runbook.title}*\n${runbook.whenToUse}`)];
  if (input.recommendation) blocks.push(section(md`:rewind: *Recommendation:* ${input.recommendation}`));
  if (input.diagnosis.length > 0) {
    blocks.push(section(joinMd([md`*Quick diagnosis*`, ...input.diagnosis.map((d) => md`:mag: ${d.reading} → likely *${d.likelyCause}*`)])));
  }
  if (input.causes.length > 0) {
    blocks.push(section(joinMd([md`*Likely causes*`, ...input.causes.slice(0, 6).map((c, i) => md`${i + 1}. ${c}`)])));
  }
  const checks = runbook.steps.slice(0, FIRST_CHECKS);
  if (checks.length > 0) {
    blocks.push(section(md`*First checks*`));
    blocks.push({
      type: 'actions',
      block_id: RUNBOOK_CHECKS_BLOCK,
      elements: [{ type: 'checkboxes', action_id: RUNBOOK_ACTIONS.checkToggle, options: checks.map(checkOption) }],
    });
  }
  const rollback = sectionOf(runbook, /^rollback plan$/i);
  if (rollback) blocks.push(section(md`*Rollback plan*\n${markdownToMrkdwn(rollback)}`));
  const success = sectionOf(runbook, /^success criteria$/i);
  if (success) blocks.push(section(md`*Success criteria*\n${markdownToMrkdwn(success)}`));
  blocks.push({
    type: 'actions',
    elements: [{ type: 'button', action_id: RUNBOOK_ACTIONS.showAll, text: plain(SHOW_ALL_TEXT), value: JSON.stringify({ runbook: runbook.id }) }],
  });
  blocks.push(context(md`\`${runbook.id}\`${input.incidentId ? ` · ${input.incidentId}` : ''} · \`/incident runbook list\` for the others`));
  return slackMessage(input.recommendation ? md`Runbook: ${runbook.title} — ${input.recommendation}` : md`Runbook: ${runbook.title}`, blocks);
}

/** What comes before the first `## ` section (the introduction), without an `# ` heading that only repeats the title. */
export function runbookPreamble(runbook: Runbook): string {
  const lines = runbook.body.split('\n');
  const first = lines.findIndex((line) => /^##[ \t]/.test(line));
  return (first === -1 ? [] : lines.slice(0, first))
    .filter((line) => line.replace(/^#[ \t]+/, '').trim() !== runbook.title)
    .join('\n')
    .trim();
}

/** Show all: the front matter, the introduction and every section of the runbook in a modal (Slack allows 100 blocks, 3000 characters each). */
export function runbookModal(runbook: Runbook): View {
  const blocks: KnownBlock[] = [section(md`*${runbook.title}*\n${runbook.whenToUse}`)];
  const facts = [md`*Symptoms*`, ...runbook.symptoms.map((symptom) => md`• ${symptom}`)];
  if (runbook.timeToResolve) facts.push(md`*Time to resolve:* ${runbook.timeToResolve}`);
  if (runbook.related.length > 0) facts.push(md`*Related:* ${runbook.related.map((id) => `\`${id}\``).join(', ')}`);
  blocks.push({ type: 'section', text: mrkdwn(joinMd(facts), 3000) });
  const preamble = runbookPreamble(runbook);
  if (preamble) blocks.push({ type: 'section', text: mrkdwn(markdownToMrkdwn(preamble), 3000) });
  for (const s of runbook.sections.slice(0, 45)) {
    blocks.push({ type: 'header', text: plain(truncate(s.heading, 150)) });
    if (s.body) blocks.push({ type: 'section', text: mrkdwn(markdownToMrkdwn(s.body), 3000) });
  }
  return { type: 'modal', callback_id: RUNBOOK_VIEW, title: plain(truncate('Runbook', 24)), close: plain('Close'), blocks };
}

export function runbookListText(runbooks: Runbook[]): Mrkdwn {
  return joinMd([md`*Runbooks* (\`/incident runbook <id>\`):`, ...runbooks.map((r) => md`• \`${r.id}\` — ${r.title}`)]);
}
