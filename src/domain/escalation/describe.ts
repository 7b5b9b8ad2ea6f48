import { humanDuration } from '../../lib/human-duration';
import { isOncallTarget } from '../oncall/model';
import type { EscalationLevel, EscalationReason } from './model';

/** Plain words for Slack (mentions in Slack's syntax) and for the timeline (`plainMention`: "@U0LEAD"). */

export type Mention = (id: string) => string;
export const mentionTarget: Mention = (id) => (isOncallTarget(id) ? `\`${id}\`` : id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`);
/** The timeline is shown escaped (and goes into postmortems): ids stay readable text. */
export const plainMention: Mention = (id) => `@${id}`;

export function levelName(level: EscalationLevel): string {
  return `level ${level.level}${level.role ? ` (${level.role})` : ''}`;
}

export function targetsText(level: EscalationLevel, mention: Mention = mentionTarget): string {
  return level.notify.length > 0 ? level.notify.map(mention).join(', ') : 'nobody is configured for this level';
}

export function reasonText(reason: EscalationReason, mention: Mention = mentionTarget): string {
  switch (reason.kind) {
    case 'opened':
      return 'new incident';
    case 'elapsed':
      return `unresolved after ${humanDuration(reason.after)}`;
    case 'severity':
      return `${reason.severity} incident: this level is paged at once`;
    case 'manual':
      return `escalated by ${mention(reason.by)}`;
    case 'p0-unresolved':
      return `P0 still unresolved after ${humanDuration(reason.after)}`;
    case 'data-loss':
      return `data loss risk flagged by ${mention(reason.by)}`;
  }
}
