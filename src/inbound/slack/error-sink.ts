import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App';
import type { Logger } from 'pino';
import { md } from '../../blocks/text';
import { FirebreakError } from '../../lib/errors';
import { noteFailedRequest } from './receiver';

/** What a person is told when their command or click failed: our own errors say why, others are logged. */
export function userFacingText(error: unknown): string {
  const cause = unwrap(error);
  // The message may carry outside text (an id, a name): escaped like everything that reaches Slack.
  return cause instanceof FirebreakError ? md`Could not do that: ${cause.message}`.toString() : 'Something went wrong; it has been logged. Please try again.';
}

/** Bolt wraps what a listener threw (UnknownError.original, MultipleListenerError.originals). */
function unwrap(error: unknown): unknown {
  const wrapped = error as { original?: unknown; originals?: unknown[] } | undefined;
  return wrapped?.original ?? wrapped?.originals?.[0] ?? error;
}

/**
 * A command or click whose listener threw before acknowledging is acknowledged here (Slack would
 * otherwise show a timeout), then the error goes on to the sink. A modal is left to Slack, which
 * keeps it open with its own error: it has nowhere else to be answered.
 */
export function acknowledgeFailures(): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    try {
      await args.next();
    } catch (error) {
      const body = args.body as { type?: string; command?: string };
      const answerable = body.type === 'block_actions' || typeof body.command === 'string';
      if (answerable && 'ack' in args && typeof args.ack === 'function') {
        await (args.ack as () => Promise<void>)().catch(() => undefined); // already acknowledged: fine
      }
      throw error;
    }
  };
}

/**
 * The one error sink (bolt-js `app.error`): every listener failure is logged here once and, where a
 * person is waiting (a slash command, a button), they are told in plain words, privately.
 */
export function registerErrorSink(app: App, logger: Logger): void {
  app.error(async ({ error, body }: ExtendedErrorHandlerArgs) => {
    noteFailedRequest(body, error); // its answer (if none was given yet) says it failed: PromptReceiver
    const original = unwrap(error);
    const request = body as { response_url?: string; user?: { id?: string }; user_id?: string } | undefined;
    logger.error({ err: original, code: (error as { code?: string }).code, user: request?.user?.id ?? request?.user_id }, 'slack listener failed');
    const responseUrl = request?.response_url;
    if (!responseUrl) return;
    try {
      const answer = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: userFacingText(error) }),
      });
      if (!answer.ok) logger.warn({ status: answer.status }, 'could not tell the person their request failed');
    } catch (notice) {
      logger.warn({ err: notice }, 'could not tell the person their request failed');
    }
  });
}
