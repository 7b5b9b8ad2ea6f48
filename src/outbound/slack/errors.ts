/** The `error` string of a Slack Web API platform error (e.g. "name_taken"), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'data' in error) {
    const data = (error as { data?: { error?: unknown } }).data;
    if (typeof data?.error === 'string') return data.error;
  }
  return undefined;
}

/** Run a Slack call, treating the listed platform errors as success (e.g. "already_in_channel"). */
export async function tolerate<T>(call: Promise<T>, ...codes: string[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (codes.includes(slackErrorCode(error) ?? '')) return undefined;
    throw error;
  }
}

/**
 * Platform errors retrying cannot fix: the channel is gone, archived or closed to the bot, the token
 * is bad, or Slack refuses the message itself. Anything else (internal_error, ratelimited, HTTP 5xx,
 * timeouts) is worth another attempt.
 */
export const PERMANENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'is_inactive',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'ekm_access_denied',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_attachments',
  'invalid_arguments',
  'msg_too_long',
  'too_many_attachments',
  'no_text',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'too_long',
]);

/** A Slack call refused for good, with where it was going (for the person told about it). */
export class SlackRefusedError extends Error {
  readonly code: string;
  constructor(
    readonly slackError: string,
    readonly target: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Slack refused for good${target ? ` (${target})` : ''}: ${slackError}`, options);
    this.name = 'SlackRefusedError';
    this.code = 'slack_refused';
  }
}

/** The permanent Slack error code of `error` (raw or already wrapped), if it is one. */
export function permanentSlackError(error: unknown): string | undefined {
  if (error instanceof SlackRefusedError) return error.slackError;
  const code = slackErrorCode(error);
  return code && PERMANENT_SLACK_ERRORS.has(code) ? code : undefined;
}

/** Run a Slack call; a permanent refusal becomes a SlackRefusedError naming `target`. */
export async function refusedFor<T>(target: string | undefined, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const code = permanentSlackError(error);
    if (code && !(error instanceof SlackRefusedError)) throw new SlackRefusedError(code, target, { cause: error });
    throw error;
  }
}
