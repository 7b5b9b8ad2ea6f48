import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import nock from 'nock';
import { parseEnv } from '../../src/config/env';
import { parseConfigText } from '../../src/config/file';
import { loadContent, type Content } from '../../src/content';
import { startFirebreak, type Firebreak } from '../../src/firebreak';
import type { Clock } from '../../src/lib/clock';
import { createLogger } from '../../src/lib/logger';
import { connectRedis, type RedisClient, type RedisTarget } from '../../src/lib/redis-connection';
import { FakeSlack, SLACK_API_URL } from './fake-slack';
import { deleteKeys } from './redis';
import { SIGNING_SECRET } from './slack';

export { deleteKeys };

export const WEBHOOK_TOKEN = 'test-webhook-token';
export const GITHUB_SECRET = 'test-github-secret';

let content: Content | undefined;

export interface Harness {
  app: Firebreak;
  url: string;
  slack: FakeSlack;
  prefix: string;
  /** A connection of its own to the bot's Redis (a Cluster connection when the bot runs on one). */
  redis: RedisClient;
  /** Stop the bot; `keepData` leaves Redis as it is (a restart), `keepSlack` keeps the fake Slack's interceptors. */
  close(options?: { keepData?: boolean; keepSlack?: boolean }): Promise<void>;
}

export interface HarnessOptions {
  config?: string;
  env?: Record<string, string>;
  clock?: Clock;
  /** Reuse a prefix to restart on the same data, or to run replicas. */
  prefix?: string;
  workers?: boolean;
  redisUrl?: string;
  /** A Redis Cluster or Sentinel set (test/helpers/redis-cluster.ts, redis-sentinel.ts) instead of a URL. */
  redisTarget?: RedisTarget;
  /** Runbook content with other policy numbers (second-scale timers). */
  content?: Content;
  /** Share one fake Slack between replicas or across a restart. */
  slack?: FakeSlack;
  /** Capture the process's log (start-up warnings). */
  logger?: ReturnType<typeof createLogger>;
}

export function redisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: the jest global setup starts redis-server');
  return url;
}

/** A running Firebreak on a free port, a real Redis under a fresh prefix, and a fake Slack. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
  const prefix = options.prefix ?? `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const env = parseEnv({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL,
    PORT: '0',
    WEBHOOK_TOKEN,
    GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    FIREBREAK_REDIS_PREFIX: prefix,
    ...options.env,
  });
  const config = parseConfigText(options.config ?? '{}', 'test config', {});
  content ??= loadContent();
  const slack = options.slack ?? new FakeSlack();
  const app = await startFirebreak({
    env,
    config,
    content: options.content ?? content,
    redisUrl: options.redisTarget ? undefined : (options.redisUrl ?? redisUrl()),
    redisTarget: options.redisTarget,
    logger: options.logger ?? createLogger(env.LOG_LEVEL),
    clock: options.clock,
    workers: options.workers,
  });
  const redis: RedisClient = options.redisTarget ? connectRedis(options.redisTarget, 'commands') : new Redis(options.redisUrl ?? redisUrl());
  // On a cluster or Sentinel a failover test kills nodes: reconnecting is expected, not worth printing.
  if (options.redisTarget) redis.on('error', () => undefined);
  return {
    app,
    url: app.url,
    slack,
    prefix,
    redis,
    async close({ keepData = false, keepSlack = false } = {}) {
      await app.close();
      if (!keepData) await deleteKeys(redis, `${prefix}:*`);
      await redis.quit();
      if (!keepSlack) nock.cleanAll();
    },
  };
}


/** Poll until `condition` holds (jobs run asynchronously); fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
