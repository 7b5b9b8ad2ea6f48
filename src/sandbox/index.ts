import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Env } from '../config/env';
import { parseConfigText, type ConfigFile } from '../config/file';
import { redisKeys } from '../lib/keys';
import { SANDBOX_BOT, demoConfigText } from './demo';
import { SlackDelivery } from './deliver';
import { workspaceRouter } from './routes';
import { slackApiRouter } from './slack-api';
import { SandboxStore } from './store';

/** On with FIREBREAK_SANDBOX=1; on by default only when no Slack credential at all is set; off with 0. */
export function sandboxWanted(env: Env): boolean {
  if (env.FIREBREAK_SANDBOX === '1') return true;
  if (env.FIREBREAK_SANDBOX === '0') return false;
  return !env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN;
}

/** A free TCP port on `host` (the embedded Slack's URL must be known before the server starts). */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** How the bot reaches its own HTTP server. */
function selfUrl(env: Env, port: number): string {
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export interface SandboxSetup {
  /** The environment the bot runs with: generated Slack credentials, SLACK_API_URL at the embedded API. */
  env: Env;
  /** The given config, or the demo configuration when there is no config file. */
  config: ConfigFile;
  demo: boolean;
  url: string;
}

/** Credentials, webhook token and (without a config file) the demo configuration for a sandbox run. */
export async function prepareSandbox(env: Env, config: { config: ConfigFile; found: boolean }): Promise<SandboxSetup> {
  const port = env.PORT === 0 ? await freePort(env.HOST) : env.PORT;
  const base = selfUrl(env, port);
  const sandboxEnv: Env = {
    ...env,
    PORT: port,
    SLACK_BOT_TOKEN: `xoxb-sandbox-${randomBytes(12).toString('hex')}`,
    SLACK_SIGNING_SECRET: randomBytes(24).toString('hex'),
    SLACK_APP_TOKEN: undefined,
    SLACK_API_URL: `${base}/sandbox/api/`,
    WEBHOOK_TOKEN: env.WEBHOOK_TOKEN ?? `sandbox-${randomBytes(12).toString('hex')}`,
  };
  const demo = !config.found;
  return { env: sandboxEnv, config: demo ? parseConfigText(demoConfigText(base), 'sandbox demo configuration', {}) : config.config, demo, url: `${base}/sandbox` };
}

export interface Sandbox {
  store: SandboxStore;
  /** For startFirebreak: the bot's ids in the embedded workspace. */
  slackIdentity: { botId: string; botUserId: string };
  mount(app: Express): void;
  close(): Promise<void>;
}

/** The embedded Slack Web API, Slack's deliveries to the bot, the page and the demo deployer. */
export async function createSandbox(options: { setup: SandboxSetup; redisUrl: string; logger: Logger }): Promise<Sandbox> {
  const { env, config } = options.setup;
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
  redis.on('error', (err) => options.logger.warn({ err: err.message }, 'sandbox redis connection error'));
  const store = new SandboxStore(redis, redisKeys(env.FIREBREAK_REDIS_PREFIX));
  const base = () => selfUrl(env, env.PORT);
  await seedChannels(store, config);
  const delivery = new SlackDelivery(store, env.SLACK_SIGNING_SECRET ?? '', base);
  return {
    store,
    slackIdentity: { botId: SANDBOX_BOT.botId, botUserId: SANDBOX_BOT.userId },
    mount(app) {
      app.use('/sandbox/api', slackApiRouter(store, env.SLACK_BOT_TOKEN ?? '', base));
      app.use(
        '/sandbox',
        workspaceRouter({ store, delivery, baseUrl: base, webhookToken: env.WEBHOOK_TOKEN ?? '', services: Object.keys(config.services), logger: options.logger }),
      );
    },
    async close() {
      store.changes.removeAllListeners();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** #general, the announcement channels and every channel the config names (kept across restarts). */
async function seedChannels(store: SandboxStore, config: ConfigFile): Promise<void> {
  const refs = new Set<string>(['#general']);
  if (config.announcements) refs.add(config.announcements);
  if (config.deployAnnouncements) refs.add(config.deployAnnouncements);
  for (const service of Object.values(config.services)) {
    refs.add(service.channel);
    if (service.deployChannel) refs.add(service.deployChannel);
  }
  for (const ref of refs) {
    // "#name" is created by name; a channel id (C…) keeps its id, named after it.
    const [id, name] = ref.startsWith('#') ? [undefined, ref.slice(1)] : [ref, ref.toLowerCase()];
    if ((id && (await store.channel(id))) || (await store.channelIdByName(name))) continue;
    await store.createChannel({ ...(id ? { id } : {}), name, topic: '', members: ['U0ONCALL', 'U0LEAD', 'U0MANAGER', 'U0VIEWER', SANDBOX_BOT.userId] });
  }
}
