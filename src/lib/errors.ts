/** Every error Firebreak raises on purpose: a string code and the data that explains it. */
export type ErrorCode =
  | 'config_invalid'
  | 'content_invalid'
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'redis_missing'
  | 'executor_permanent'
  | 'executor_transient';

export interface Issue {
  path: string;
  message: string;
}

export class FirebreakError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The config file or environment is wrong; `issues` names every offending key. */
export class ConfigError extends FirebreakError {
  constructor(
    readonly source: string,
    readonly issues: Issue[],
  ) {
    super('config_invalid', `${source} is invalid:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/** runbook-content/ is wrong: a missing template, an unknown placeholder, a bad front matter. */
export class ContentError extends FirebreakError {
  constructor(readonly issues: Issue[]) {
    super('content_invalid', `runbook-content is invalid:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/** Inbound input (webhook body, modal, button value) did not match its schema. */
export class ValidationError extends FirebreakError {
  constructor(readonly issues: Issue[]) {
    super('validation_failed', issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; '));
  }
}

export class NotFoundError extends FirebreakError {
  constructor(message: string) {
    super('not_found', message);
  }
}

export class ConflictError extends FirebreakError {
  constructor(message: string) {
    super('conflict', message);
  }
}
