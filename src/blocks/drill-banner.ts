import type { Incident } from '../domain/incidents/model';
import { context, LIMITS, md, withTextPrefix, type SlackMessage } from './text';

/** The line every drill message starts with, so nobody mistakes a rehearsal for an outage. */
export const DRILL_BANNER = md`:test_tube: *DRILL* — a rehearsal, not a real incident. Remediation is a dry run; nothing is changed.`;

/** The message with the drill banner on top (text and blocks), or as it is for a real incident. */
export function withDrillBanner<M extends SlackMessage>(incident: Pick<Incident, 'drill'> | undefined, message: M): M {
  if (!incident?.drill) return message;
  return { ...withTextPrefix(md`DRILL — `, message), blocks: [context(DRILL_BANNER), ...message.blocks].slice(0, LIMITS.blocks) };
}
