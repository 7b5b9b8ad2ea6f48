import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import { startLocalRedis } from '../src/lib/redis-server';
import { ENDPOINTS, fuzzEndpoint, requestsFor, settle, type FuzzStats } from '../test/helpers/fuzz';

/**
 * `npm run proof -- fuzz`: every webhook and /slack/events takes ≥ 2,000 generated payloads (200
 * with --quick) against the real app on its own redis-server, workers off. Claims: no 5xx answer,
 * no failed request (a crash shows as one), no unhandled rejection or exception, nothing stored from
 * a 4xx of a webhook, and heap flat (after a warm-up, growth under 16 MiB per endpoint).
 */
const CONFIG = `
announcements: "#incidents"
services:
  checkout: { channel: "#checkout-alerts", guard: { mode: propose } }
`;
const CHUNK = 250;
const HEAP_GROWTH_LIMIT_MB = 16;

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

const mb = (bytes: number) => bytes / 1024 / 1024;

export async function run({ quick }: { quick: boolean }): Promise<void> {
  const runs = quick ? 200 : 2_000;
  const gc = collectGarbage();
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-fuzz-'));
  const server = await startLocalRedis({ dir });
  process.env.TEST_REDIS_URL = server.url;
  const { startHarness } = await import('../test/helpers/harness');
  const db = new Redis(server.url);
  const h = await startHarness({ config: CONFIG, redisUrl: server.url, workers: false });
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  const rows: Record<string, string | number>[] = [];
  const problems: string[] = [];
  try {
    await settle(db);
    for (const [e, endpoint] of ENDPOINTS.entries()) {
      await fuzzEndpoint(h.url, db, endpoint, requestsFor(endpoint, 100, 7_000 + e)); // warm-up: JIT, pools, lazy keys
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const started = Date.now();
      const total: FuzzStats = { endpoint, sent: 0, byStatus: {}, failures: [], storedFrom4xx: [] };
      for (let chunk = 0; chunk * CHUNK < runs; chunk += 1) {
        const stats = await fuzzEndpoint(h.url, db, endpoint, requestsFor(endpoint, Math.min(CHUNK, runs - chunk * CHUNK), 1_000 * e + chunk));
        total.sent += stats.sent;
        for (const [status, n] of Object.entries(stats.byStatus)) total.byStatus[Number(status)] = (total.byStatus[Number(status)] ?? 0) + n;
        total.failures.push(...stats.failures);
        total.storedFrom4xx.push(...stats.storedFrom4xx);
      }
      const seconds = (Date.now() - started) / 1000;
      gc();
      const growth = mb(process.memoryUsage().heapUsed - heapBefore);
      const count = (from: number, to: number) => Object.entries(total.byStatus).filter(([s]) => Number(s) >= from && Number(s) < to).reduce((sum, [, n]) => sum + n, 0);
      rows.push({
        endpoint,
        sent: total.sent,
        '2xx': count(200, 300),
        '4xx': count(400, 500),
        '5xx': count(500, 600),
        failed: total.failures.filter((f) => typeof f.status === 'string').length,
        'stored from 4xx': total.storedFrom4xx.length,
        'heap before MiB': mb(heapBefore).toFixed(1),
        'heap growth MiB': growth.toFixed(1),
        'req/s': Math.round(total.sent / seconds),
      });
      if (total.sent < runs) problems.push(`${endpoint}: sent ${total.sent} of ${runs}`);
      for (const f of total.failures.slice(0, 3)) problems.push(`${endpoint}: ${f.status} for ${f.body}`);
      for (const f of total.storedFrom4xx.slice(0, 3)) problems.push(`${endpoint}: stored from a ${f.status}: ${f.body}`);
      if (growth > HEAP_GROWTH_LIMIT_MB) problems.push(`${endpoint}: heap grew ${growth.toFixed(1)} MiB (limit ${HEAP_GROWTH_LIMIT_MB})`);
      if ((await fetch(`${h.url}/healthz`)).status !== 200) problems.push(`${endpoint}: /healthz failed afterwards`);
    }
  } finally {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    await h.close();
    await db.quit();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.table(rows);
  if (crashes.length > 0) problems.push(`${crashes.length} unhandled rejections or exceptions, first: ${String(crashes[0])}`);
  if (problems.length > 0) throw new Error(`fuzz claims do not hold:\n  ${problems.join('\n  ')}`);
  console.log(`fuzz: ${rows.reduce((n, r) => n + Number(r.sent), 0)} requests, 0 answers 5xx, 0 crashes, nothing stored from a 4xx, heap growth ≤ ${HEAP_GROWTH_LIMIT_MB} MiB per endpoint`);
}
