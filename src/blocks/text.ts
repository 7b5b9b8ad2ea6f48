import type { KnownBlock } from '@slack/types';
import { SYSTEM_ACTOR } from '../domain/incidents/model';

/** Slack's limit for a section's text. */
const SECTION_LIMIT = 3000;

export const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
export const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function section(text: string): KnownBlock {
  return { type: 'section', text: mrkdwn(truncate(text, SECTION_LIMIT)) };
}

export function context(...texts: string[]): KnownBlock {
  return { type: 'context', elements: texts.map((t) => mrkdwn(truncate(t, SECTION_LIMIT))) };
}

/** Firebreak itself (an automatic action) is named, not mentioned. */
export const mention = (userId: string) => (userId === SYSTEM_ACTOR ? 'Firebreak' : `<@${userId}>`);
export const channelLink = (channelId: string) => `<#${channelId}>`;
/** Mention a user (U…/W…) or a user group (S…). */
export const mentionTarget = (id: string) => (id.startsWith('S') ? `<!subteam^${id}>` : mention(id));

/** Slack's mrkdwn needs &, < and > escaped in text that came from people. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
