import type { UnleashFlagsConfig } from '../../config/remediation';
import type { ActionContext, ActionResult, FlagProvider, FlagRequest } from '../../domain/remediation/ports';
import type { ExecutorDeps } from './deps';
import { joinUrl, sendJson } from './http-json';

/**
 * Unleash admin API: `POST /api/admin/projects/{project}/features/{flag}/environments/{env}/off`.
 * The token (admin token or PAT) goes in `Authorization` as is, without "Bearer". Turning a flag off
 * twice is harmless, so retries need no idempotency key on the Unleash side.
 */
export class UnleashFlagProvider implements FlagProvider {
  readonly kind = 'unleash';

  constructor(
    private readonly config: UnleashFlagsConfig,
    private readonly deps: ExecutorDeps = {},
  ) {}

  async disable(req: FlagRequest, ctx: ActionContext): Promise<ActionResult> {
    const environment = this.config.environment ?? req.environment;
    const url = joinUrl(
      this.config.url,
      ...['api', 'admin', 'projects', this.config.project, 'features', req.flagKey, 'environments', environment, 'off'],
    );
    this.deps.logger?.info({ url, flag: req.flagKey, attempt: ctx.attempt }, 'unleash: disabling flag');
    const reply = await sendJson({
      target: 'Unleash',
      method: 'POST',
      url,
      headers: { Authorization: this.config.token, Accept: 'application/json' },
      timeoutMs: this.config.timeout,
      signal: ctx.signal,
      fetch: this.deps.fetch,
    });
    return {
      summary: `Unleash flag ${req.flagKey} turned off in ${environment} (project ${this.config.project})`,
      detail: `HTTP ${reply.status}`,
    };
  }
}
