import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis } from '../../src/lib/redis-server';
import { startSlotAudit } from './slot-monitor';

/** One real redis-server for the whole run, on a free port in a temp dir; tests use unique prefixes. */
export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-test-redis-'));
  const redis = await startLocalRedis({ dir });
  process.env.TEST_REDIS_URL = redis.url;
  process.env.TEST_REDIS_DIR = dir;
  (globalThis as Record<string, unknown>).__firebreakRedis = redis;
  if (process.env.FIREBREAK_SLOT_AUDIT === '1') (globalThis as Record<string, unknown>).__firebreakSlotAudit = await startSlotAudit(redis.url);
}
