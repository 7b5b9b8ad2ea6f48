import type { StatusPageConfig } from '../../config/status-page';
import { componentStateFor, type ComponentState, type PublicIncident, type PublicUpdate } from '../../domain/status/model';
import type { StatusProvider } from '../../domain/status/ports';
import { sendJson } from '../executors/http-json';
import { signBody } from '../executors/http-rollback';
import { webhookHeaders } from '../executors/webhook-signature';

/**
 * A generic webhook: one JSON POST per publication, carrying the public incident, the new
 * update and the affected components' state, signed like every outbound call (Standard Webhooks
 * headers, with the publication id as `webhook-id`, plus `X-Firebreak-Signature`), with
 * `Idempotency-Key: <publication id>`. 2xx done; 4xx final; 5xx and timeouts retried.
 */
export class WebhookStatusProvider implements StatusProvider {
  readonly name = 'webhook';

  constructor(
    private readonly config: StatusPageConfig & { url: string; secret: string },
    private readonly fetchImpl?: typeof fetch,
  ) {}

  async publishIncident(incident: PublicIncident, update: PublicUpdate): Promise<string> {
    const state = componentStateFor(incident, update.stage);
    const { providerIncidentId: _ignored, ...publicIncident } = incident;
    const body = JSON.stringify({
      type: 'status.published',
      incident: publicIncident,
      update,
      components: incident.services.map((service) => ({ service, state })),
    });
    await sendJson({
      target: 'status webhook',
      method: 'POST',
      url: this.config.url,
      headers: {
        'Content-Type': 'application/json',
        'Idempotency-Key': update.id,
        'X-Firebreak-Signature': signBody(this.config.secret, body),
        ...webhookHeaders(this.config.secret, update.id, new Date(), body),
      },
      body,
      timeoutMs: this.config.timeout,
      fetch: this.fetchImpl,
    });
    return incident.incidentId;
  }

  /** Component states travel in the incident's POST. */
  async setComponent(_service: string, _state: ComponentState): Promise<boolean> {
    return false;
  }
}
