/**
 * `npm run migrate-keys`: move keys written before the Redis Cluster key layout to their new names
 * (src/outbound/store/migrate-keys.ts), on the single Redis at REDIS_URL, for FIREBREAK_REDIS_PREFIX.
 */
import { Redis } from 'ioredis';
import { migrateKeys } from './outbound/store/migrate-keys';

async function main(): Promise<void> {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is required: the single Redis that holds the keys to migrate');
  const prefix = process.env.FIREBREAK_REDIS_PREFIX ?? 'fb';
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    const report = await migrateKeys(redis, prefix);
    console.log(`moved ${report.moved} keys of prefix "${prefix}"; kept ${report.kept.length} whose new name already holds data${report.kept.length ? `: ${report.kept.slice(0, 20).join(' ')}` : ''}`);
  } finally {
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
