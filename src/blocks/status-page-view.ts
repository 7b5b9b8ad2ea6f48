import { COMPONENT_LABELS, componentStates, STAGE_LABELS, type ComponentState, type ComponentStatus, type PublicIncident } from '../domain/status/model';

/** What /status, /status.json and /status/feed show: only what people published, plus the components. */
export interface StatusPageView {
  title: string;
  generatedAt: string;
  /** The worst component state, in words ("All systems operational", "Partial outage"). */
  overall: { state: ComponentState; text: string };
  components: ComponentStatus[];
  /** Unresolved first, then resolved; newest first within each. */
  incidents: PublicIncident[];
}

const RANK: Record<ComponentState, number> = { operational: 0, degraded_performance: 1, partial_outage: 2, major_outage: 3 };

export function statusPageView(title: string, services: string[], incidents: PublicIncident[], now: Date): StatusPageView {
  const components = componentStates(services, incidents);
  const worst = components.reduce<ComponentState>((acc, c) => (RANK[c.state] > RANK[acc] ? c.state : acc), 'operational');
  const open = incidents.filter((i) => i.stage !== 'resolved');
  const state = open.length > 0 && worst === 'operational' ? 'degraded_performance' : worst;
  const text = state === 'operational' ? 'All systems operational' : COMPONENT_LABELS[state];
  const sorted = [...open, ...incidents.filter((i) => i.stage === 'resolved')];
  return { title, generatedAt: now.toISOString(), overall: { state, text }, components, incidents: sorted };
}

/** The JSON answer: public fields only (never the provider's id). */
export function statusPageJson(view: StatusPageView) {
  return {
    title: view.title,
    generatedAt: view.generatedAt,
    status: { indicator: view.overall.state, description: view.overall.text },
    components: view.components.map((c) => ({ name: c.service, status: c.state, description: COMPONENT_LABELS[c.state] })),
    incidents: view.incidents.map((i) => ({
      id: i.incidentId,
      name: i.title,
      status: i.stage,
      statusText: STAGE_LABELS[i.stage],
      impact: i.impact,
      components: i.services,
      startedAt: i.startedAt,
      updatedAt: i.updatedAt,
      ...(i.resolvedAt ? { resolvedAt: i.resolvedAt } : {}),
      updates: [...i.updates].reverse().map((u) => ({ id: u.id, status: u.stage, statusText: STAGE_LABELS[u.stage], body: u.text, at: u.at })),
    })),
  };
}
