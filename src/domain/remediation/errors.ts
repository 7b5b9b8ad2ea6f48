import { FirebreakError, type ErrorCode } from '../../lib/errors';

/** What an executor knows about a failure; every field is optional. */
export interface ActionErrorDetails {
  /** HTTP status of the far side's answer. */
  status?: number;
  /** First characters of the response body. */
  body?: string;
  /** Exit code of a command (null when it died from a signal). */
  exitCode?: number | null;
  signal?: string | null;
  /** Last lines of a command's combined stdout/stderr. */
  output?: string;
  /** From a Retry-After header, when the far side sent one. */
  retryAfterMs?: number;
  cause?: unknown;
}

abstract class ActionError extends FirebreakError {
  readonly status?: number;
  readonly body?: string;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly output?: string;
  readonly retryAfterMs?: number;
  abstract readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, details: ActionErrorDetails) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.body = details.body;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.output = details.output;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Retrying will not help: a 4xx, bad config, a command that said no. The worker gives up at once. */
export class PermanentActionError extends ActionError {
  readonly retryable = false;

  constructor(message: string, details: ActionErrorDetails = {}) {
    super('executor_permanent', message, details);
  }
}

/** Worth another try with backoff: a 5xx, 408/429, a timeout, a refused connection. */
export class TransientActionError extends ActionError {
  readonly retryable = true;

  constructor(message: string, details: ActionErrorDetails = {}) {
    super('executor_transient', message, details);
  }
}
