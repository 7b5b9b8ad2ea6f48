import type { Incident, SeverityId } from '../../domain/incidents/model';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
const TIMEOUT_MS = 10_000;

/** Retrying cannot fix it (PagerDuty refused the event as invalid: a wrong routing key, a bad field). */
export class PagerDutyRefusedError extends Error {
  readonly permanent = true;
  constructor(message: string) {
    super(message);
    this.name = 'PagerDutyRefusedError';
  }
}

const SEVERITY: Record<SeverityId, 'critical' | 'error' | 'warning' | 'info'> = { P0: 'critical', P1: 'critical', P2: 'error', P3: 'warning' };

export type EventAction = 'trigger' | 'acknowledge' | 'resolve';

/** The Events v2 body: `dedup_key` is the incident id; a trigger carries the payload. */
export function pagerdutyEvent(incident: Incident, action: EventAction, routingKey: string): Record<string, unknown> {
  const base = { routing_key: routingKey, event_action: action, dedup_key: incident.id };
  if (action !== 'trigger') return base;
  return {
    ...base,
    payload: {
      summary: `${incident.id} ${incident.severity}: ${incident.title}`.slice(0, 1024),
      source: incident.service ?? 'firebreak',
      severity: SEVERITY[incident.severity],
      timestamp: incident.createdAt,
      component: incident.service,
      custom_details: { incident: incident.id, severity: incident.severity, channel: incident.channelName },
    },
    client: 'Firebreak',
  };
}

/** POST the event; 2xx done, 400 refused for good, anything else (429, 5xx, network) worth retrying. */
export async function sendPagerDutyEvent(body: Record<string, unknown>, options: { url?: string; fetch?: typeof fetch } = {}): Promise<void> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(options.url ?? PAGERDUTY_EVENTS_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`PagerDuty Events API unreachable (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (response.ok) return;
  const text = (await response.text().catch(() => '')).slice(0, 300);
  const message = `PagerDuty Events API answered HTTP ${response.status}${text ? `: ${text}` : ''}`;
  if (response.status === 400) throw new PagerDutyRefusedError(message);
  throw new Error(message);
}
