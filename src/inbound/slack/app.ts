import { App, LogLevel, type AnyMiddlewareArgs, type Middleware } from '@slack/bolt';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Env } from '../../config/env';
import type { SlackDeps } from './deps';
import { acknowledgeFailures, registerErrorSink } from './error-sink';
import * as actions from './listeners/actions';
import * as commands from './listeners/commands';
import * as views from './listeners/views';
import { refuseFutureTimestamps } from './request-age';
import { PromptReceiver } from './receiver';

const SEEN_TTL_SECONDS = 3600;

/** Bolt's logger interface backed by pino. */
function boltLogger(logger: Logger) {
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => logger.debug({ bolt: msg }, 'bolt'),
    info: (...msg: unknown[]) => logger.info({ bolt: msg }, 'bolt'),
    warn: (...msg: unknown[]) => logger.warn({ bolt: msg }, 'bolt'),
    error: (...msg: unknown[]) => logger.error({ bolt: msg }, 'bolt'),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** The request's identity across Slack retries: an event id or a trigger id. */
function requestIdentity(body: Record<string, unknown>): string | undefined {
  for (const field of ['event_id', 'trigger_id'] as const) {
    const value = body[field];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

/**
 * Slack resends a request it thinks we missed (X-Slack-Retry-Num). The first delivery of an event or
 * trigger wins; later copies are acknowledged and dropped, so nothing is posted twice.
 */
function dropRedeliveries(deps: SlackDeps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const identity = requestIdentity(args.body as Record<string, unknown>);
    if (identity) {
      const first = await deps.redis.set(deps.keys.seen('slack', identity), '1', 'EX', SEEN_TTL_SECONDS, 'NX');
      if (first !== 'OK') {
        deps.logger.info({ identity }, 'dropped a repeated Slack request');
        if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
        return;
      }
    }
    await args.next();
  };
}

export interface SlackAppOptions {
  env: Env;
  httpApp: Express;
  deps: SlackDeps;
  /** The bot's ids when known beforehand (the sandbox): Bolt then skips its auth.test at start. */
  identity?: { botId: string; botUserId: string };
}

/** Web API client options: SLACK_API_URL when given, and retries of 5xx and network errors. */
export function slackClientOptions(env: Env) {
  return {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 10_000 },
  };
}

/**
 * Bolt on our HTTP app at POST /slack/events, or over Socket Mode when SLACK_APP_TOKEN is set.
 * Every Web API call goes to SLACK_API_URL when it is given.
 */
export function createSlackApp({ env, httpApp, deps, identity }: SlackAppOptions): App {
  const logger = boltLogger(deps.logger.child({ component: 'slack' }));
  const clientOptions = slackClientOptions(env);
  // Before Bolt's router is mounted on the same app, so it runs first.
  if (!env.SLACK_APP_TOKEN) httpApp.post('/slack/events', refuseFutureTimestamps());
  const app = env.SLACK_APP_TOKEN
    ? new App({ token: env.SLACK_BOT_TOKEN, appToken: env.SLACK_APP_TOKEN, socketMode: true, logger, clientOptions, extendedErrorHandler: true })
    : new App({
        token: env.SLACK_BOT_TOKEN,
        ...identity,
        logger,
        clientOptions,
        extendedErrorHandler: true,
        receiver: new PromptReceiver({
          signingSecret: env.SLACK_SIGNING_SECRET ?? '',
          endpoints: '/slack/events',
          app: httpApp,
          logger,
          processBeforeResponse: false,
        }),
      });

  app.use(dropRedeliveries(deps));
  app.use(acknowledgeFailures());
  commands.register(app, deps);
  views.register(app, deps);
  actions.register(app, deps);
  registerErrorSink(app, deps.logger);
  return app;
}
