import { trace } from '@opentelemetry/api';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

/** What kind of Slack request this is, for the request's span: ids and names only, never text. */
export function slackRequestAttributes(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as { type?: unknown; command?: unknown; actions?: { action_id?: unknown }[]; event?: { type?: unknown }; view?: { callback_id?: unknown } };
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const attributes: Record<string, string | undefined> = {
    'slack.request.type': text(b.type) ?? (text(b.command) ? 'slash_command' : 'unknown'),
    'slack.command': text(b.command),
    'slack.action_id': Array.isArray(b.actions) ? text(b.actions[0]?.action_id) : undefined,
    'slack.event.type': text(b.event?.type),
    'slack.view.callback_id': text(b.view?.callback_id),
  };
  return Object.fromEntries(Object.entries(attributes).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * Bolt hands listeners a Web API client of its own (one per workspace, built on first use), not the
 * app's client: observe each once (Slack-call metrics, spans) as it first goes by. With tracing on,
 * also name the kind of Slack request on the HTTP request's span.
 */
export function observeListenerClients(options: { observe: (client: WebClient) => void; already: WebClient[]; tracing: boolean }): Middleware<AnyMiddlewareArgs> {
  const seen = new WeakSet<WebClient>(options.already);
  return async (args) => {
    if (!seen.has(args.client)) {
      seen.add(args.client);
      options.observe(args.client);
    }
    if (options.tracing) trace.getActiveSpan()?.setAttributes(slackRequestAttributes(args.body));
    await args.next();
  };
}
