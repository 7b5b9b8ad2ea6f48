import type { HttpFlagsConfig } from '../../config/remediation';
import type { ActionContext, ActionResult, FlagProvider, FlagRequest } from '../../domain/remediation/ports';
import type { ExecutorDeps } from './deps';
import { messageOf, sendJson } from './http-json';
import { webhookHeaders } from './webhook-signature';

/** A home-grown flag service: JSON POST `{flag, environment, enabled: false, …}` with a bearer token. */
export class HttpFlagProvider implements FlagProvider {
  readonly kind = 'http';

  constructor(
    private readonly config: HttpFlagsConfig,
    private readonly deps: ExecutorDeps = {},
  ) {}

  async disable(req: FlagRequest, ctx: ActionContext): Promise<ActionResult> {
    const body = JSON.stringify({
      flag: req.flagKey,
      environment: req.environment,
      enabled: false,
      service: req.service,
      incidentId: req.incidentId,
      reason: req.reason,
      actor: req.actor,
      idempotencyKey: ctx.idempotencyKey,
    });
    this.deps.logger?.info({ url: this.config.url, flag: req.flagKey, attempt: ctx.attempt }, 'http flags: disabling flag');
    const reply = await sendJson({
      target: 'flag service',
      method: 'POST',
      url: this.config.url,
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${this.config.token}`,
        'Idempotency-Key': ctx.idempotencyKey,
        ...(this.config.secret ? webhookHeaders(this.config.secret, ctx.idempotencyKey, this.deps.now?.() ?? new Date(), body) : {}),
      },
      body,
      timeoutMs: this.config.timeout,
      signal: ctx.signal,
      fetch: this.deps.fetch,
    });
    return {
      summary: messageOf(reply.json) ?? `flag ${req.flagKey} disabled in ${req.environment}`,
      detail: `HTTP ${reply.status} from ${this.config.url}`,
    };
  }
}
