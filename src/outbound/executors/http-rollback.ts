import { createHmac } from 'node:crypto';
import type { HttpRollbackConfig } from '../../config/remediation';
import type { ActionContext, ActionResult, RollbackExecutor, RollbackRequest } from '../../domain/remediation/ports';
import type { ExecutorDeps } from './deps';
import { excerpt, messageOf, sendJson } from './http-json';
import { webhookHeaders } from './webhook-signature';

/** The older `X-Firebreak-Signature: sha256=<hex HMAC-SHA256 of the body>` (no timestamp), kept for existing deployers. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Signed JSON POST to a deployer that knows how to roll the service back. */
export class HttpRollbackExecutor implements RollbackExecutor {
  readonly kind = 'http';

  constructor(
    private readonly config: HttpRollbackConfig,
    private readonly deps: ExecutorDeps = {},
  ) {}

  async rollback(req: RollbackRequest, ctx: ActionContext): Promise<ActionResult> {
    const body = JSON.stringify({ action: 'rollback', ...req, idempotencyKey: ctx.idempotencyKey });
    const now = this.deps.now?.() ?? new Date();
    const ours: Record<string, string> = {
      'Content-Type': 'application/json',
      'Idempotency-Key': ctx.idempotencyKey,
      'X-Firebreak-Signature': signBody(this.config.secret, body),
      'X-Firebreak-Timestamp': String(Math.floor(now.getTime() / 1000)),
      ...webhookHeaders(this.config.secret, ctx.idempotencyKey, now, body),
    };
    this.deps.logger?.info({ url: this.config.url, service: req.service, attempt: ctx.attempt }, 'http rollback: calling deployer');
    const reply = await sendJson({
      target: 'deployer',
      method: 'POST',
      url: this.config.url,
      headers: { ...withoutClashes(this.config.headers ?? {}, ours), ...ours },
      body,
      timeoutMs: this.config.timeout,
      signal: ctx.signal,
      fetch: this.deps.fetch,
    });
    return {
      summary: messageOf(reply.json) ?? `deployer accepted the rollback of ${req.service} to ${req.toVersion}`,
      detail: `HTTP ${reply.status} from ${this.config.url}`,
      output: reply.text === '' ? undefined : excerpt(reply.text),
    };
  }
}

/** Configured extra headers never override the ones the signature and idempotency depend on. */
function withoutClashes(extra: Record<string, string>, ours: Record<string, string>): Record<string, string> {
  const taken = new Set(Object.keys(ours).map((name) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(extra).filter(([name]) => !taken.has(name.toLowerCase())));
}
