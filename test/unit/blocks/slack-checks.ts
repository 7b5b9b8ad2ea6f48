/**
 * What every message Firebreak builds must satisfy: no markup but Firebreak's own (mentions of the
 * ids a test vouches for, channel links, http links) and nothing over Slack's Block Kit limits.
 */

export interface Vouched {
  users: readonly string[];
  channels: readonly string[];
  groups: readonly string[];
}

/** The markup an outside string must never produce: checks one mrkdwn string, returns problems. */
export function markupProblems(text: string, vouched: Vouched, where: string): string[] {
  const problems: string[] = [];
  const tokens = text.match(/<[^>]*>?/g) ?? [];
  for (const token of tokens) {
    const user = /^<@([A-Z0-9]+)>$/.exec(token)?.[1];
    const channel = /^<#([A-Z0-9]+)>$/.exec(token)?.[1];
    const group = /^<!subteam\^([A-Z0-9]+)>$/.exec(token)?.[1];
    const isLink = /^<https?:\/\/[^\s|<>]+\|[^|<>]*>$/.test(token);
    const isDate = /^<!date\^\d+\^\{date_short_pretty\} \{time\}\|[0-9T:Z.-]+>$/.test(token);
    const ok = (user && vouched.users.includes(user)) || (channel && vouched.channels.includes(channel)) || (group && vouched.groups.includes(group)) || isLink || isDate;
    if (!ok) problems.push(`${where}: markup ${JSON.stringify(token.slice(0, 80))}`);
  }
  const outside = text.replace(/<[^>]*>/g, '');
  if (/[<>]/.test(outside)) problems.push(`${where}: a bare < or >`);
  const amp = /&(?!amp;|lt;|gt;)/.exec(text);
  if (amp) problems.push(`${where}: a bare & at ${amp.index}: ${JSON.stringify(text.slice(amp.index, amp.index + 20))}`);
  return problems;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}

const isTextObject = (value: unknown): value is TextObject =>
  typeof value === 'object' && value !== null && ((value as TextObject).type === 'mrkdwn' || (value as TextObject).type === 'plain_text') && typeof (value as TextObject).text === 'string';

/** Slack's limits (Block Kit reference) by the JSON path that leads to a value. */
function limitFor(path: string[], parentType: string | undefined): number | undefined {
  const key = path.at(-1);
  const parent = path.at(-2);
  if (key === 'value' && parentType === 'button') return 2000;
  if (key === 'value') return 150; // option values
  if (key === 'action_id' || key === 'block_id' || key === 'callback_id') return 255;
  if (key === 'private_metadata') return 3000;
  if (key === 'text' && parent === 'text' && path.includes('confirm')) return 300;
  if (key === 'text' && parent === 'title' && path.includes('confirm')) return 100;
  if (key === 'text' && (parent === 'confirm' || parent === 'deny')) return 30;
  if (key === 'text' && parent === 'text' && parentType === 'button') return 75;
  if (key === 'text' && parent === 'text' && path.includes('options')) return 75;
  if (key === 'text' && parent === 'description' && path.includes('options')) return 75;
  if (key === 'text' && parent === 'text' && parentType === 'header') return 150;
  if (key === 'text' && parent === 'title' && parentType === 'modal') return 24;
  if (key === 'text') return 3000;
  return undefined;
}

/** Every limit broken and every piece of markup not vouched for, anywhere in a message or view. */
export function slackProblems(payload: unknown, vouched: Vouched, name: string): string[] {
  const problems: string[] = [];
  const visit = (value: Json, path: string[], parentType: string | undefined): void => {
    const where = `${name}:${path.join('.')}`;
    if (Array.isArray(value)) {
      const key = path.at(-1);
      if (key === 'blocks' && value.length > 50) problems.push(`${where}: ${value.length} blocks`);
      if (key === 'elements' && parentType === 'context' && value.length > 10) problems.push(`${where}: ${value.length} context elements`);
      if (key === 'elements' && parentType === 'actions' && value.length > 25) problems.push(`${where}: ${value.length} actions`);
      if (key === 'options' && value.length > 100) problems.push(`${where}: ${value.length} options`);
      value.forEach((item, index) => visit(item, [...path, String(index)], parentType));
      return;
    }
    if (value !== null && typeof value === 'object') {
      if (isTextObject(value) && value.type === 'mrkdwn') problems.push(...markupProblems(value.text, vouched, where));
      if (typeof value.initial_value === 'string') {
        const max = typeof value.max_length === 'number' ? value.max_length : 3000;
        if (value.initial_value.length > max) problems.push(`${where}: initial_value of ${value.initial_value.length} characters (max_length ${max})`);
      }
      const type = typeof value.type === 'string' && !isTextObject(value) ? value.type : parentType;
      for (const [key, child] of Object.entries(value)) visit(child, [...path, key], type);
      return;
    }
    if (typeof value === 'string') {
      const limit = limitFor(path, parentType);
      if (limit !== undefined && value.length > limit) problems.push(`${where}: ${value.length} characters (limit ${limit})`);
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value) && path.at(-1) === 'value') problems.push(`${where}: control characters in a value`);
    }
  };
  visit(JSON.parse(JSON.stringify(payload)) as Json, [], undefined);
  return problems;
}

/** A message's top-level `text` is mrkdwn too (notifications): the same markup rules. */
export function messageProblems(message: { text: string; blocks: unknown[] }, vouched: Vouched, name: string): string[] {
  return [
    ...markupProblems(message.text, vouched, `${name}:text`),
    ...(message.text.length > 3000 ? [`${name}:text: ${message.text.length} characters`] : []),
    ...slackProblems({ blocks: message.blocks }, vouched, name),
  ];
}
