/** What the remediation worker asks of the outside world: undo a deploy, switch a flag off. */

export type RollbackStrategy = 'blue-green' | 'canary' | 'rolling' | 'direct';

export interface RollbackRequest {
  service: string;
  environment: string;
  /** The version running now (the suspect). */
  fromVersion: string;
  /** The version to go back to (the deploy's previous version). */
  toVersion: string;
  strategy: RollbackStrategy;
  deployId?: string;
  incidentId?: string;
  reason: string;
  actor: string;
}

export interface FlagRequest {
  service: string;
  environment: string;
  flagKey: string;
  incidentId?: string;
  reason: string;
  actor: string;
}

export interface ActionContext {
  /** Stable across retries of the same action; adapters pass it on so the far side can dedupe. */
  idempotencyKey: string;
  /** 1 for the first run, 2 for the first retry… */
  attempt: number;
  signal?: AbortSignal;
}

export interface ActionResult {
  summary: string;
  detail?: string;
  /** Tail of command output, response excerpt… */
  output?: string;
}

export interface RollbackExecutor {
  readonly kind: string;
  rollback(req: RollbackRequest, ctx: ActionContext): Promise<ActionResult>;
}

export interface FlagProvider {
  readonly kind: string;
  disable(req: FlagRequest, ctx: ActionContext): Promise<ActionResult>;
}
