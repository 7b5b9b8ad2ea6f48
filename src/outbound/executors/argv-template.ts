import { PLACEHOLDER, type RollbackArgVariable } from '../../config/remediation';
import { PermanentActionError } from '../../domain/remediation/errors';
import type { ActionContext, RollbackRequest } from '../../domain/remediation/ports';

/** The values `{{name}}` placeholders in a command's argv stand for. */
export function argValues(req: RollbackRequest, ctx: ActionContext): Record<RollbackArgVariable, string> {
  return {
    service: req.service,
    environment: req.environment,
    previousVersion: req.toVersion,
    fromVersion: req.fromVersion,
    toVersion: req.toVersion,
    strategy: req.strategy,
    incidentId: req.incidentId ?? '',
    idempotencyKey: ctx.idempotencyKey,
  };
}

/**
 * Plain text substitution, one argv element at a time: a value becomes (part of) exactly one
 * argument, whatever characters it holds; nothing is ever handed to a shell.
 */
export function renderArgv(argv: readonly string[], values: Record<string, string>): string[] {
  return argv.map((arg) =>
    arg.replace(PLACEHOLDER, (_match, name: string) => {
      const value = values[name];
      if (value === undefined) throw new PermanentActionError(`unknown template variable {{${name}}} in argv`);
      return value;
    }),
  );
}
