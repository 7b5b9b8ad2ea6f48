/**
 * Only the remediation worker, in a process of its own, against the test Redis: the crash test
 * starts it (node -r tsx/cjs), SIGKILLs it mid-job, and starts another.
 * Env: TEST_REDIS_URL, FIREBREAK_REDIS_PREFIX, FIREBREAK_TEST_CONFIG (YAML), SLACK_API_URL,
 * LOCK_DURATION_MS / STALLED_INTERVAL_MS (optional).
 */
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import { parseConfigText } from '../../src/config/file';
import { loadContent } from '../../src/content';
import { IncidentService } from '../../src/domain/incidents/service';
import { systemClock } from '../../src/lib/clock';
import { redisKeys } from '../../src/lib/keys';
import { createLogger } from '../../src/lib/logger';
import { RedisAlertStore } from '../../src/outbound/store/alert-store';
import { RedisDeployStore } from '../../src/outbound/store/deploy-store';
import { RedisIncidentStore } from '../../src/outbound/store/incident-store';
import { wireRemediation } from '../../src/wire-remediation';

async function main(): Promise<void> {
  const env = process.env;
  const url = env.TEST_REDIS_URL ?? '';
  const keys = redisKeys(env.FIREBREAK_REDIS_PREFIX);
  const config = parseConfigText(env.FIREBREAK_TEST_CONFIG ?? '{}', 'FIREBREAK_TEST_CONFIG', {});
  const logger = createLogger(env.LOG_LEVEL ?? 'silent', `worker-${process.pid}`);
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const repository = new RedisIncidentStore(redis, keys);
  const incidents = new IncidentService(repository, { publish: async () => undefined }, systemClock);
  const client = new WebClient('xoxb-test-token', { slackApiUrl: env.SLACK_API_URL, retryConfig: { retries: 0 } });
  const remediation = wireRemediation({
    redis,
    keys,
    queueSettings: { connection, prefix: keys.bullPrefix },
    config,
    content: loadContent(),
    clock: systemClock,
    logger,
    incidents,
    openIncidentFor: (service) => repository.openForService(service),
    deploys: new RedisDeployStore(redis, keys),
    alerts: new RedisAlertStore(redis, keys),
    client: () => client,
  });
  const workers = remediation.startWorkers({
    lockDuration: env.LOCK_DURATION_MS ? Number(env.LOCK_DURATION_MS) : undefined,
    stalledInterval: env.STALLED_INTERVAL_MS ? Number(env.STALLED_INTERVAL_MS) : undefined,
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    void (async () => {
      await Promise.all(workers.map((w) => w.close()));
      await remediation.close();
      await Promise.all([redis.quit(), connection.quit()]);
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
