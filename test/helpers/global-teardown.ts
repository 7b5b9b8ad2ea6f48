import { rmSync } from 'node:fs';
import type { LocalRedis } from '../../src/lib/redis-server';

export default async function globalTeardown(): Promise<void> {
  const redis = (globalThis as Record<string, unknown>).__firebreakRedis as LocalRedis | undefined;
  await redis?.stop();
  if (process.env.TEST_REDIS_DIR) rmSync(process.env.TEST_REDIS_DIR, { recursive: true, force: true });
}
