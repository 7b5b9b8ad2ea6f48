import { SYSTEM_ACTOR } from '../domain/incidents/model';

/**
 * Slack mrkdwn that Firebreak vouches for. Every string from outside (a webhook, the config, a
 * person) becomes markup only through this module: `md` escapes whatever is not already `Mrkdwn`,
 * and the only markup it lets through (mentions, channel links, links) is built here from validated
 * ids and URLs. Block builders take `Mrkdwn`, so raw text cannot reach a mrkdwn field by accident.
 */

const TOKEN = Symbol('mrkdwn');

export class Mrkdwn {
  readonly #text: string;

  constructor(token: typeof TOKEN, text: string) {
    if (token !== TOKEN) throw new Error('Mrkdwn is built with md`…` or the helpers in blocks/mrkdwn.ts');
    this.#text = text;
  }

  get length(): number {
    return this.#text.length;
  }

  toString(): string {
    return this.#text;
  }

  toJSON(): string {
    return this.#text;
  }
}

const trusted = (text: string) => new Mrkdwn(TOKEN, text);

/** Slack's mrkdwn needs &, < and > escaped in text that came from outside. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export type MdValue = Mrkdwn | string | number;

const piece = (value: MdValue): string => (value instanceof Mrkdwn ? value.toString() : typeof value === 'number' ? String(value) : escapeMrkdwn(String(value)));

/** Literal parts are Firebreak's own markup; every interpolated string is escaped. */
export function md(strings: TemplateStringsArray, ...values: MdValue[]): Mrkdwn {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += piece(value) + (strings[index + 1] ?? '');
  });
  return trusted(out);
}

/** Outside text as mrkdwn: escaped. */
export const text = (value: MdValue): Mrkdwn => (value instanceof Mrkdwn ? value : trusted(piece(value)));

export const EMPTY = trusted('');

export function joinMd(parts: readonly MdValue[], separator = '\n'): Mrkdwn {
  return trusted(parts.map(piece).join(separator));
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** A user mention of an id that looks like one; Firebreak itself is named; anything else is text. */
export function mention(userId: string): Mrkdwn {
  if (userId === SYSTEM_ACTOR) return trusted('Firebreak');
  return USER_ID.test(userId) ? trusted(`<@${userId}>`) : text(userId);
}

/** Mention a user (U…/W…) or a user group (S…). */
export function mentionTarget(id: string): Mrkdwn {
  return GROUP_ID.test(id) ? trusted(`<!subteam^${id}>`) : mention(id);
}

/** `<#C123>` for a channel id; a name (or anything else) is shown as text. */
export function channelLink(channel: string): Mrkdwn {
  if (CHANNEL_ID.test(channel)) return trusted(`<#${channel}>`);
  return text(channel.startsWith('#') ? channel : `#${channel}`);
}

/** A link to an http(s) URL; anything else (or an unparsable URL) shows the label alone. */
export function link(url: string, label: MdValue): Mrkdwn {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return text(label);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return text(label);
  const href = parsed.href.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/&/g, '&amp;');
  const shown = piece(label).replace(/\|/g, '¦');
  return trusted(`<${href}|${shown}>`);
}

/** `code` — backticks in the text are replaced so it cannot close the span early. */
export const code = (value: string): Mrkdwn => trusted(`\`${escapeMrkdwn(value.replace(/`/g, 'ˋ'))}\``);

/**
 * At most `max` characters, ending in an ellipsis when cut; never cuts inside an `&amp;` entity or
 * a `<…>` mention or link (the cut moves before it).
 */
export function truncateMd(value: Mrkdwn, max: number): Mrkdwn {
  const full = value.toString();
  if (full.length <= max) return value;
  let cut = full.slice(0, Math.max(0, max - 1));
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return trusted(`${cut}…`);
}

/**
 * A message's notification text back as Mrkdwn, to build on it: only for the `text` of a message
 * slackMessage() made, which is Mrkdwn already.
 */
export const vouchedText = (message: { text: string }): Mrkdwn => trusted(message.text);

/** Cut at line boundaries into pieces of at most `max` characters (a longer line is truncated). */
export function splitLines(value: Mrkdwn, max: number): Mrkdwn[] {
  const pieces: Mrkdwn[] = [];
  let chunk = '';
  for (const line of value.toString().split('\n')) {
    if (chunk && chunk.length + line.length + 1 > max) {
      pieces.push(trusted(chunk));
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${line}` : line;
  }
  if (chunk) pieces.push(trusted(chunk));
  return pieces.map((p) => truncateMd(p, max));
}

/**
 * Operator-written markup (runbook-content templates): `render` gets the escape to apply to every
 * value it inserts; a value that is already Mrkdwn (a mention, a channel link) goes in as it is.
 */
export function renderMarkup(render: (escapeValue: (value: unknown) => string) => string): Mrkdwn {
  return trusted(render((value) => (value instanceof Mrkdwn ? value.toString() : typeof value === 'number' ? String(value) : escapeMrkdwn(String(value)))));
}

/** `<!date^…>`: Slack shows the time in the reader's own zone; the fallback is UTC. */
export function slackDate(at: Date, format = '{date_short_pretty} {time}'): Mrkdwn {
  return trusted(`<!date^${Math.floor(at.getTime() / 1000)}^${format}|${at.toISOString().replace('.000Z', 'Z')}>`);
}
