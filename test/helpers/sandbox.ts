import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { parseEnv } from '../../src/config/env';
import { parseConfigText } from '../../src/config/file';
import { loadContent, type Content } from '../../src/content';
import { startFirebreak, type Firebreak } from '../../src/firebreak';
import { createLogger } from '../../src/lib/logger';
import { createSandbox, prepareSandbox, type Sandbox, type SandboxSetup } from '../../src/sandbox';
import { deleteKeys, redisUrl } from './harness';

let content: Content | undefined;

export interface SandboxHarness {
  app: Firebreak;
  sandbox: Sandbox;
  setup: SandboxSetup;
  url: string;
  prefix: string;
  redis: Redis;
  /** Stop; `keepData` leaves Redis as it is (a restart). */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** The bot in sandbox mode, as `npm start` runs it without Slack credentials: demo config unless `config` is given. */
export async function startSandbox(options: { prefix?: string; config?: string; env?: Record<string, string> } = {}): Promise<SandboxHarness> {
  const prefix = options.prefix ?? `s${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const env = parseEnv({ PORT: '0', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', FIREBREAK_REDIS_PREFIX: prefix, ...options.env });
  const loaded = options.config ? { config: parseConfigText(options.config, 'test config', {}), found: true } : { config: parseConfigText('{}', 'none', {}), found: false };
  const setup = await prepareSandbox(env, loaded);
  const logger = createLogger(setup.env.LOG_LEVEL);
  const sandbox = await createSandbox({ setup, redisUrl: redisUrl(), logger });
  content ??= loadContent();
  const app = await startFirebreak({ env: setup.env, config: setup.config, content, redisUrl: redisUrl(), logger, routes: sandbox, slackIdentity: sandbox.slackIdentity });
  const redis = new Redis(redisUrl());
  return {
    app,
    sandbox,
    setup,
    url: app.url,
    prefix,
    redis,
    async close({ keepData = false } = {}) {
      await app.close();
      await sandbox.close();
      if (!keepData) await deleteKeys(redis, `${prefix}:*`);
      await redis.quit();
    },
  };
}

