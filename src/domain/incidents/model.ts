import { z } from 'zod';
import { incidentDrillSchema } from '../drills/model';

export const SEVERITY_IDS = ['P0', 'P1', 'P2', 'P3'] as const;
export const severityIdSchema = z.enum(SEVERITY_IDS);
export type SeverityId = z.infer<typeof severityIdSchema>;

export const WORK_STATUSES = ['Investigating', 'Identified', 'Mitigating', 'Monitoring'] as const;
export const workStatusSchema = z.enum(WORK_STATUSES);
export type WorkStatus = z.infer<typeof workStatusSchema>;

/** Where an incident came from, when not typed by hand: an alert card and its verdict. */
export const incidentOriginSchema = z.object({
  alertFingerprint: z.string().optional(),
  /** The alert's service (its state is kept per service); incidents opened before it was kept: the incident's. */
  alertService: z.string().optional(),
  alertName: z.string().optional(),
  verdict: z.string().optional(),
  suspectDeployId: z.string().optional(),
});

/** How far the chat side of opening an incident got, so a retried job never repeats a step. */
export const publicationSchema = z.object({
  invited: z.boolean().default(false),
  topicSet: z.boolean().default(false),
  initialTs: z.string().optional(),
  pinned: z.boolean().default(false),
  announcementTs: z.string().optional(),
  alertThreadTs: z.string().optional(),
  /** The runbook card posted when the incident opened. */
  runbookCardTs: z.string().optional(),
});
export type Publication = z.infer<typeof publicationSchema>;

export const incidentSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  title: z.string(),
  severity: severityIdSchema,
  service: z.string().optional(),
  impact: z.string(),
  status: z.enum(['open', 'resolved']),
  workStatus: workStatusSchema,
  reporterId: z.string(),
  commanderId: z.string(),
  createdAt: z.string(),
  resolvedAt: z.string().optional(),
  lastUpdateAt: z.string().optional(),
  updateCount: z.number().int().default(0),
  /** Bumped by every change; makes each event's id unique and stable. */
  revision: z.number().int().default(0),
  channelName: z.string(),
  channelId: z.string().optional(),
  rootCause: z.string().optional(),
  userImpact: z.string().optional(),
  followUp: z.string().optional(),
  origin: incidentOriginSchema.optional(),
  /** Customers notice it: the status page texts are proposed in its channel. */
  customerFacing: z.boolean().optional(),
  /** Set on a drill: a rehearsal, dry-run remediation, only its participants paged. */
  drill: incidentDrillSchema.optional(),
  publication: publicationSchema.default({ invited: false, topicSet: false, pinned: false }),
});

export type Incident = z.infer<typeof incidentSchema>;
export type IncidentOrigin = z.infer<typeof incidentOriginSchema>;

export interface TimelineEntry {
  at: string;
  /** A Slack user id, or a system actor such as "firebreak" or "alertmanager". */
  actor: string;
  kind: string;
  text: string;
  data?: Record<string, unknown>;
}

export const incidentUpdateSchema = z.object({
  status: workStatusSchema,
  rootCause: z.string().optional(),
  actionTaken: z.string(),
  nextUpdate: z.string(),
});
export type IncidentUpdate = z.infer<typeof incidentUpdateSchema>;

export const incidentResolutionSchema = z.object({
  rootCause: z.string(),
  userImpact: z.string(),
  followUp: z.string(),
});
export type IncidentResolution = z.infer<typeof incidentResolutionSchema>;

export const SYSTEM_ACTOR = 'firebreak';

export function isOpen(incident: Incident): boolean {
  return incident.status === 'open';
}
