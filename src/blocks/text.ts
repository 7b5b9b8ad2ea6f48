import type { KnownBlock } from '@slack/types';
import { joinMd, splitLines, truncateMd, vouchedText, type Mrkdwn } from './mrkdwn';

export { channelLink, code, EMPTY, escapeMrkdwn, joinMd, link, md, mention, mentionTarget, Mrkdwn, slackDate, text, truncateMd } from './mrkdwn';

/** Slack's limits (Block Kit reference). */
export const LIMITS = {
  sectionText: 3000,
  header: 150,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  contextElements: 10,
  blocks: 50,
  messageText: 3000,
  confirmTitle: 100,
  confirmText: 300,
  blockId: 255,
} as const;

/** plain_text is shown as typed (no mentions, no links); it is still cut to the field's limit. */
export const plain = (value: string, max: number = LIMITS.sectionText) => ({ type: 'plain_text' as const, text: truncate(value, max), emoji: true });
export const mrkdwn = (value: Mrkdwn, max: number = LIMITS.sectionText) => ({ type: 'mrkdwn' as const, text: truncateMd(value, max).toString() });

/** For plain text (ids, plain_text fields); mrkdwn is cut with truncateMd. */
export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

export function section(value: Mrkdwn): KnownBlock {
  return { type: 'section', text: mrkdwn(value) };
}

export function context(...values: Mrkdwn[]): KnownBlock {
  return { type: 'context', elements: values.slice(0, LIMITS.contextElements).map((v) => mrkdwn(v)) };
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** A message: its notification text (mrkdwn, so escaped the same way) and at most 50 blocks. */
export function slackMessage(value: Mrkdwn, blocks: KnownBlock[] = [section(value)]): SlackMessage {
  return { text: truncateMd(value, LIMITS.messageText).toString(), blocks: blocks.slice(0, LIMITS.blocks) };
}

/** The message with `prefix` before its notification text, still within the limit (its text is already escaped mrkdwn). */
export function withTextPrefix<M extends SlackMessage>(prefix: Mrkdwn, message: M): M {
  return { ...message, text: truncateMd(joinMd([prefix, vouchedText(message)], ''), LIMITS.messageText).toString() };
}

/** Long text split into sections at line boundaries (timelines, runbooks). */
export function textBlocks(value: Mrkdwn): SlackMessage {
  return slackMessage(value, splitLines(value, 2900).map(section));
}
