/**
 * Alert intake: alerts/s accepted and durably stored through POST /webhooks/alertmanager (10-alert
 * groups over loopback) at several concurrencies, p50/p99 latency, next to a bare node:http server
 * answering 202 in the same run (the ratio). Then correlation look-up p50/p99 with 1,000,000 deploys.
 *
 * Then the same intake with every server and the load generator in processes of their own
 * (bench/ingest-processes.ts: `node dist/main.js` as web + worker, and as all, against a bare server).
 *
 *   npm run bench -- ingest          BENCH_REQUESTS=4000 BENCH_DEPLOYS=1000000 npm run bench -- ingest
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parseEnv } from '../src/config/env';
import { parseConfigText } from '../src/config/file';
import { loadContent } from '../src/content';
import { analyseAlert } from '../src/domain/correlation/analyse';
import type { Alert } from '../src/domain/alerts/model';
import type { NewDeploy } from '../src/domain/deploys/model';
import { startFirebreak } from '../src/firebreak';
import { redisKeys } from '../src/lib/keys';
import { createLogger } from '../src/lib/logger';
import { startLocalRedis } from '../src/lib/redis-server';
import { RedisDeployStore } from '../src/outbound/store/deploy-store';
import { runOutOfProcess, settle } from './ingest-processes';
import { ms, percentile } from './stats';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCIES = [1, 8, 32, 64];
const DEPLOYS = Number(process.env.BENCH_DEPLOYS ?? 1_000_000);
const LOOKUPS = 10_000;
const TOKEN = 'bench-token';

let sequence = 0;
function group(): string {
  const batch = ++sequence;
  const startsAt = new Date().toISOString();
  return JSON.stringify({
    version: '4',
    groupKey: '{}:{service="checkout"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'firebreak',
    groupLabels: { service: 'checkout' },
    commonLabels: { service: 'checkout' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: Array.from({ length: 10 }, (_, i) => ({
      status: 'firing',
      labels: { alertname: 'HighErrorRate', service: `svc-${batch % 50}`, severity: 'critical', instance: `pod-${batch}-${i}` },
      annotations: { summary: '5xx rate 7%' },
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: `${batch.toString(16)}-${i}`,
    })),
  });
}

async function load(url: string, concurrency: number): Promise<{ alertsPerSecond: number; p50: number; p99: number }> {
  const bodies = Array.from({ length: REQUESTS }, group);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` }, body });
        await response.arrayBuffer();
        if (response.status !== 202) throw new Error(`unexpected ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { alertsPerSecond: (REQUESTS * 10) / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function bareServer(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(202, { 'Content-Type': 'application/json' });
      res.end('{"id":"bare"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

async function seedDeploys(redis: Redis, store: RedisDeployStore, count: number, now: number): Promise<void> {
  const services = 1000;
  const batch = 2000;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, (_, j) => {
        const n = i + j;
        const deploy: NewDeploy = {
          service: `svc-${n % services}`,
          environment: 'production',
          version: `v${n}`,
          previousVersion: `v${n - 1}`,
          strategy: 'rolling',
          status: 'succeeded',
          // spread over the last 30 days
          timestamp: new Date(now - ((n * 2_591_000) % 2_592_000_000)).toISOString(),
          changes: { config: false, dependencies: false, migrations: [], flags: [] },
          source: 'generic',
        };
        return store.record(deploy);
      }),
    );
  }
  void redis;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-ingest-'));
  const local = process.env.REDIS_URL ? undefined : await startLocalRedis({ dir });
  const redisUrl = process.env.REDIS_URL ?? local!.url;
  const prefix = `bench${Date.now()}`;
  const env = parseEnv({ PORT: '0', WEBHOOK_TOKEN: TOKEN, LOG_LEVEL: 'silent', FIREBREAK_REDIS_PREFIX: prefix });
  const config = parseConfigText('{}', 'bench', {});
  const content = loadContent();
  // Workers off: this measures accepting and storing; Slack digests are measured by the storm test.
  const app = await startFirebreak({ env, config, content, redisUrl, logger: createLogger('silent'), workers: false });
  const bare = await bareServer();
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/webhooks/alertmanager`;
  try {
    console.log(`ingest: ${REQUESTS} Alertmanager groups of 10 alerts per run, over loopback`);
    console.log('concurrency | firebreak alerts/s | p50 | p99 | bare 202 alerts/s | p50 | p99 | ratio');
    for (const concurrency of CONCURRENCIES) {
      await load(bareUrl, concurrency); // warm both sides at this concurrency
      await load(`${app.url}/webhooks/alertmanager`, concurrency);
      const b = await load(bareUrl, concurrency);
      const f = await load(`${app.url}/webhooks/alertmanager`, concurrency);
      console.log(
        `${String(concurrency).padStart(11)} | ${f.alertsPerSecond.toFixed(0).padStart(18)} | ${ms(f.p50)} | ${ms(f.p99)} | ${b.alertsPerSecond.toFixed(0).padStart(17)} | ${ms(b.p50)} | ${ms(b.p99)} | ${((100 * f.alertsPerSecond) / b.alertsPerSecond).toFixed(1)} %`,
      );
    }

    const cleanup = new Redis(redisUrl);
    await settle(cleanup, prefix);
    await cleanup.quit();
    await runOutOfProcess(redisUrl);

    const redis = new Redis(redisUrl);
    const keys = redisKeys(prefix);
    const store = new RedisDeployStore(redis, keys, { retentionMs: 31 * 86_400_000 });
    const now = Date.now();
    const seeding = performance.now();
    await seedDeploys(redis, store, DEPLOYS, now);
    console.log(`correlation: seeded ${DEPLOYS} deploys over 1000 services in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
    const latencies: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      const alert: Alert = {
        fingerprint: `b${i}`,
        source: 'generic',
        service: `svc-${i % 1000}`,
        environment: 'production',
        name: 'HighErrorRate',
        severity: 'critical',
        status: 'firing',
        startsAt: new Date(now - (i % 700) * 3_600_000).toISOString(),
        labels: { endpoint: '/api/orders' },
      };
      const t0 = performance.now();
      await analyseAlert(alert, { deploys: store, dependencies: [`svc-${(i + 1) % 1000}`], policy: { strongMs: 30 * 60_000, possibleMs: 2 * 3_600_000 } });
      latencies.push(performance.now() - t0);
    }
    console.log(`correlation look-up (service + 1 dependency, ${LOOKUPS} alerts): p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`);
    await redis.quit();
  } finally {
    await app.close();
    await new Promise<void>((r) => bare.close(() => r()));
    await local?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
