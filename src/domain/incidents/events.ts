import { z } from 'zod';
import { incidentResolutionSchema, incidentSchema, incidentUpdateSchema, severityIdSchema } from './model';

const changed = { author: z.string(), sequence: z.number().int() };

/** What happened to an incident; adapters (Slack, timers) react to these, durably, after they are stored. */
export const incidentEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('opened'), incident: incidentSchema }),
  z.object({ type: z.literal('updated'), incident: incidentSchema, update: incidentUpdateSchema, ...changed }),
  z.object({ type: z.literal('resolved'), incident: incidentSchema, resolution: incidentResolutionSchema, ...changed }),
  z.object({ type: z.literal('reopened'), incident: incidentSchema, ...changed }),
  z.object({ type: z.literal('severity-changed'), incident: incidentSchema, from: severityIdSchema, ...changed }),
  z.object({ type: z.literal('commander-changed'), incident: incidentSchema, from: z.string(), ...changed }),
  z.object({ type: z.literal('postmortem-requested'), incident: incidentSchema, ...changed }),
]);

export type IncidentEvent = z.infer<typeof incidentEventSchema>;
export type IncidentEventType = IncidentEvent['type'];

/** A stable id per event, so publishing the same event twice is one job. */
export function incidentEventId(event: IncidentEvent): string {
  const base = `${event.type}-${event.incident.id}`;
  return event.type === 'opened' ? base : `${base}-${event.sequence}`;
}
