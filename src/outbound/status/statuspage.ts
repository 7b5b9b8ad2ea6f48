import { z } from 'zod';
import type { StatusPageConfig } from '../../config/status-page';
import { PermanentActionError } from '../../domain/remediation/errors';
import { componentStateFor, type ComponentState, type PublicIncident, type PublicUpdate } from '../../domain/status/model';
import type { StatusProvider } from '../../domain/status/ports';
import { joinUrl, sendJson } from '../executors/http-json';

const createdSchema = z.object({ id: z.string().min(1) });

/**
 * Atlassian Statuspage, REST API v1 (https://developer.statuspage.io): an incident is created with
 * POST /pages/{page_id}/incidents and updated with PATCH /pages/{page_id}/incidents/{incident_id},
 * each `{"incident": {name, status, body, component_ids, components, deliver_notifications}}`; a
 * component's state is PATCH /pages/{page_id}/components/{component_id} `{"component": {"status"}}`.
 * Authentication is `Authorization: OAuth <api key>`.
 */
export class StatuspageProvider implements StatusProvider {
  readonly name = 'Atlassian Statuspage';

  constructor(
    private readonly config: StatusPageConfig & { pageId: string; apiKey: string },
    private readonly fetchImpl?: typeof fetch,
  ) {}

  async publishIncident(incident: PublicIncident, update: PublicUpdate): Promise<string> {
    const state = componentStateFor(incident, update.stage);
    const componentIds = incident.services.flatMap((service) => (this.config.components[service] ? [this.config.components[service]] : []));
    const body = {
      incident: {
        name: incident.title,
        status: update.stage,
        body: update.text,
        component_ids: componentIds,
        components: Object.fromEntries(componentIds.map((id) => [id, state])),
        deliver_notifications: this.config.notifySubscribers,
      },
    };
    const existing = incident.providerIncidentId;
    const reply = await this.call(
      existing ? 'PATCH' : 'POST',
      existing ? joinUrl(this.config.apiUrl, 'pages', this.config.pageId, 'incidents', existing) : joinUrl(this.config.apiUrl, 'pages', this.config.pageId, 'incidents'),
      body,
    );
    if (existing) return existing;
    const created = createdSchema.safeParse(reply);
    if (!created.success) throw new PermanentActionError('Statuspage created the incident but its answer has no id', { body: JSON.stringify(reply).slice(0, 500) });
    return created.data.id;
  }

  async setComponent(service: string, state: ComponentState): Promise<boolean> {
    const componentId = this.config.components[service];
    if (!componentId) return false;
    await this.call('PATCH', joinUrl(this.config.apiUrl, 'pages', this.config.pageId, 'components', componentId), { component: { status: state } });
    return true;
  }

  private async call(method: 'POST' | 'PATCH', url: string, body: unknown): Promise<unknown> {
    const reply = await sendJson({
      target: 'Statuspage',
      method,
      url,
      headers: { Authorization: `OAuth ${this.config.apiKey}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: this.config.timeout,
      fetch: this.fetchImpl,
    });
    return reply.json;
  }
}
