import { z } from 'zod';
import type { Incident, SeverityId } from '../incidents/model';

/** The runbook's three public stages, in order (runbook-content/templates/statuspage-*.md). */
export const STATUS_STAGES = ['investigating', 'identified', 'resolved'] as const;
export const statusStageSchema = z.enum(STATUS_STAGES);
export type StatusStage = z.infer<typeof statusStageSchema>;

export const STAGE_LABELS: Record<StatusStage, string> = { investigating: 'Investigating', identified: 'Identified', resolved: 'Resolved' };

/** A component's public state (Atlassian Statuspage's words). */
export const COMPONENT_STATES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

export const COMPONENT_LABELS: Record<ComponentState, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

/** What a person asked to publish, after reviewing it in Slack. */
export const publishRequestSchema = z.object({
  /** Deterministic (the Slack view id): the same submission is one publication. */
  requestId: z.string().min(1),
  incidentId: z.string().min(1),
  stage: statusStageSchema,
  title: z.string().min(1).max(120),
  text: z.string().min(1).max(2000),
  by: z.string().min(1),
  requestedAt: z.iso.datetime(),
});
export type PublishRequest = z.infer<typeof publishRequestSchema>;

/** One public text, as shown on the page and sent to the provider. */
export const publicUpdateSchema = z.object({
  id: z.string(),
  stage: statusStageSchema,
  text: z.string(),
  at: z.iso.datetime(),
});
export type PublicUpdate = z.infer<typeof publicUpdateSchema>;

/** An incident as the public sees it: only what people published, never the internal record. */
export const publicIncidentSchema = z.object({
  incidentId: z.string(),
  title: z.string(),
  services: z.array(z.string()),
  impact: z.enum(COMPONENT_STATES),
  stage: statusStageSchema,
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  resolvedAt: z.iso.datetime().optional(),
  /** Newest last. */
  updates: z.array(publicUpdateSchema),
  /** The provider's id for this incident, once created there. */
  providerIncidentId: z.string().optional(),
});
export type PublicIncident = z.infer<typeof publicIncidentSchema>;

export interface ComponentStatus {
  service: string;
  state: ComponentState;
}

const IMPACT_BY_SEVERITY: Record<SeverityId, ComponentState> = {
  P0: 'major_outage',
  P1: 'partial_outage',
  P2: 'degraded_performance',
  P3: 'degraded_performance',
};

export function impactOf(severity: SeverityId): ComponentState {
  return IMPACT_BY_SEVERITY[severity];
}

/** The affected services' state while a public incident is at `stage`. */
export function componentStateFor(incident: Pick<PublicIncident, 'impact'>, stage: StatusStage): ComponentState {
  return stage === 'resolved' ? 'operational' : incident.impact;
}

const RANK: Record<ComponentState, number> = { operational: 0, degraded_performance: 1, partial_outage: 2, major_outage: 3 };

/** Every service's state: the worst among the unresolved public incidents that name it. */
export function componentStates(services: string[], incidents: PublicIncident[]): ComponentStatus[] {
  return services.map((service) => {
    let state: ComponentState = 'operational';
    for (const incident of incidents) {
      if (incident.stage === 'resolved' || !incident.services.includes(service)) continue;
      if (RANK[incident.impact] > RANK[state]) state = incident.impact;
    }
    return { service, state };
  });
}

/** Apply a publication to the public record (a new one when there is none). */
export function applyPublication(current: PublicIncident | undefined, request: PublishRequest, incident: Incident, at: string): PublicIncident {
  if (current?.updates.some((u) => u.id === request.requestId)) return current;
  const update: PublicUpdate = { id: request.requestId, stage: request.stage, text: request.text, at };
  const base: PublicIncident = current ?? {
    incidentId: incident.id,
    title: request.title,
    services: incident.service ? [incident.service] : [],
    impact: impactOf(incident.severity),
    stage: request.stage,
    startedAt: at,
    updatedAt: at,
    updates: [],
  };
  const next: PublicIncident = {
    ...base,
    title: request.title,
    impact: impactOf(incident.severity),
    stage: request.stage,
    updatedAt: at,
    updates: [...base.updates, update],
  };
  if (request.stage === 'resolved') next.resolvedAt = at;
  else delete next.resolvedAt;
  return next;
}

/** The stage to propose next: resolved once resolved; identified once a cause is named; else investigating. */
export function suggestStage(incident: Incident, published: PublicIncident | undefined): StatusStage {
  if (incident.status === 'resolved') return 'resolved';
  if (incident.workStatus !== 'Investigating' || incident.rootCause) return 'identified';
  return published?.stage === 'identified' ? 'identified' : 'investigating';
}
