import { join, resolve } from 'node:path';
import { missingSlackVariables, parseEnv, type Env } from './config/env';
import { checkRunbooks, loadConfigFile } from './config/file';
import { redisTargetFromEnv } from './config/redis';
import { loadContent } from './content';
import { startFirebreak } from './firebreak';
import { FirebreakError } from './lib/errors';
import { createLogger } from './lib/logger';
import { installOutboundProxy } from './lib/outbound-http';
import { describeRedisTarget, type RedisTarget } from './lib/redis-connection';
import { startLocalRedis, type LocalRedis } from './lib/redis-server';
import { createSandbox, prepareSandbox, sandboxWanted, type Sandbox } from './sandbox';

/** Printed when Slack credentials are missing: exactly what to set and where to get it. */
function slackSetupHelp(env: Env, missing: string[]): string {
  return [
    `Slack is not configured: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`,
    'Firebreak is running (health, metrics and webhooks work), but /slack/events answers 503 until you:',
    '  1. create the app at https://api.slack.com/apps → "Create New App" → "From a manifest",',
    `     pasting manifests/slack-app.yaml (replace https://firebreak.example.com with this server's public URL);`,
    '  2. install it to your workspace and copy the "Bot User OAuth Token" (xoxb-…) into SLACK_BOT_TOKEN;',
    '  3. copy "Signing Secret" (Basic Information) into SLACK_SIGNING_SECRET',
    '     — or, for Socket Mode, an app-level token with connections:write into SLACK_APP_TOKEN;',
    `  4. restart. See .env.example for every variable. (PORT=${env.PORT})`,
  ].join('\n');
}

async function main(): Promise<void> {
  const parsedEnv = parseEnv();
  const logger = createLogger(parsedEnv.LOG_LEVEL);
  if (installOutboundProxy()) logger.info('outbound HTTP goes through HTTPS_PROXY/HTTP_PROXY (NO_PROXY hosts and loopback direct)');
  const loaded = loadConfigFile(parsedEnv.FIREBREAK_CONFIG);
  const { path, found } = loaded;
  // Sandbox: the bot talks to an embedded Slack on its own port, with generated credentials.
  const setup = sandboxWanted(parsedEnv) ? await prepareSandbox(parsedEnv, loaded) : undefined;
  const env = setup?.env ?? parsedEnv;
  const config = setup?.config ?? loaded.config;
  const content = loadContent(env.FIREBREAK_CONTENT_DIR);
  checkRunbooks(config, path, content.runbooks.map((r) => r.id));
  if (!found && !setup) logger.warn(`No config file at ${path}: running with no services. Copy firebreak.example.yaml to ${path} to configure them.`);

  let localRedis: LocalRedis | undefined;
  let redisTarget: RedisTarget | undefined = redisTargetFromEnv(env);
  if (!redisTarget) {
    const dir = resolve(join(env.FIREBREAK_DATA_DIR, 'redis'));
    localRedis = await startLocalRedis({ dir });
    redisTarget = { kind: 'single', url: localRedis.url };
    const child = localRedis.process;
    process.on('exit', () => child.kill('SIGTERM'));
    logger.info(`REDIS_URL is not set: started a local redis-server on ${localRedis.url} (AOF persistence in ${dir})`);
  } else if (redisTarget.kind !== 'single') {
    logger.info(`Redis: ${describeRedisTarget(redisTarget)}`);
  }

  const sandbox: Sandbox | undefined = setup ? await createSandbox({ setup, redisTarget, logger }) : undefined;
  const firebreak = await startFirebreak({ env, config, content, redisTarget, logger, routes: sandbox, slackIdentity: sandbox?.slackIdentity });
  logger.info(`Firebreak (${env.FIREBREAK_ROLE}) listening on ${firebreak.url} (${Object.keys(config.services).length} services configured)`);
  const missing = missingSlackVariables(env);
  if (setup) {
    const how = setup.demo ? 'the demo configuration (no config file)' : path;
    console.log(`\nSandbox workspace (no Slack needed): ${setup.url}\n  running with ${how}; set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET for real Slack.\n`);
  } else if (missing.length > 0) {
    logger.warn({ missing }, 'Slack is not configured');
    console.error(`\n${slackSetupHelp(env, missing)}\n`);
  }
  if (!env.WEBHOOK_TOKEN) logger.warn('WEBHOOK_TOKEN is not set: every webhook except GitHub answers 401 until it is.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // SIGTERM (an orchestrator) drains first so traffic moves elsewhere; SIGINT (Ctrl-C) stops at once.
    const drainMs = signal === 'SIGTERM' ? env.FIREBREAK_DRAIN_SECONDS * 1000 : 0;
    logger.info(`${signal}: shutting down${drainMs > 0 ? ` (draining for ${drainMs / 1000}s first)` : ''}`);
    // Drain, then up to 10 s for open requests and 10 s for active jobs; never hang past that.
    const force = setTimeout(() => process.exit(1), drainMs + 25_000);
    force.unref();
    await firebreak.drain(drainMs).catch((err: unknown) => logger.error({ err }, 'error while closing'));
    await sandbox?.close();
    await localRedis?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  // Configuration problems are for people: print them plainly, without a stack.
  if (error instanceof FirebreakError) console.error(`firebreak: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
