import { rmSync } from 'node:fs';
import type { LocalRedis } from '../../src/lib/redis-server';

export default async function globalTeardown(): Promise<void> {
  const audit = (globalThis as Record<string, unknown>).__firebreakSlotAudit as { finish(): string[] } | undefined;
  const findings = audit?.finish() ?? [];
  const redis = (globalThis as Record<string, unknown>).__firebreakRedis as LocalRedis | undefined;
  await redis?.stop();
  if (process.env.TEST_REDIS_DIR) rmSync(process.env.TEST_REDIS_DIR, { recursive: true, force: true });
  if (findings.length > 0) throw new Error(`Redis Cluster slot audit:\n${[...new Set(findings)].slice(0, 50).join('\n')}`);
}
