import type { LaunchDarklyFlagsConfig } from '../../config/remediation';
import type { ActionContext, ActionResult, FlagProvider, FlagRequest } from '../../domain/remediation/ports';
import type { ExecutorDeps } from './deps';
import { joinUrl, sendJson } from './http-json';

export const SEMANTIC_PATCH = 'application/json; domain-model=launchdarkly.semanticpatch';

/** LaunchDarkly semantic patch `turnFlagOff` on `PATCH /api/v2/flags/{project}/{flag}`. */
export class LaunchDarklyFlagProvider implements FlagProvider {
  readonly kind = 'launchdarkly';

  constructor(
    private readonly config: LaunchDarklyFlagsConfig,
    private readonly deps: ExecutorDeps = {},
  ) {}

  async disable(req: FlagRequest, ctx: ActionContext): Promise<ActionResult> {
    const url = joinUrl(this.config.url, 'api', 'v2', 'flags', this.config.project, req.flagKey);
    const body = JSON.stringify({
      environmentKey: this.config.environment,
      comment: flagComment(req),
      instructions: [{ kind: 'turnFlagOff' }],
    });
    this.deps.logger?.info({ url, flag: req.flagKey, attempt: ctx.attempt }, 'launchdarkly: turning flag off');
    const reply = await sendJson({
      target: 'LaunchDarkly',
      method: 'PATCH',
      url,
      headers: { 'Content-Type': SEMANTIC_PATCH, Authorization: this.config.token },
      body,
      timeoutMs: this.config.timeout,
      signal: ctx.signal,
      fetch: this.deps.fetch,
    });
    return {
      summary: `LaunchDarkly flag ${req.flagKey} turned off in ${this.config.environment} (project ${this.config.project})`,
      detail: `HTTP ${reply.status}`,
    };
  }
}

/** The audit-log comment LaunchDarkly stores with the change. */
export function flagComment(req: FlagRequest): string {
  const incident = req.incidentId ? ` during incident ${req.incidentId}` : '';
  return `Firebreak: turned off by ${req.actor}${incident}: ${req.reason}`;
}
