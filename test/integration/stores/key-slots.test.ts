import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { redisKeys } from '../../../src/lib/keys';
import { deleteKeys } from '../../helpers/redis';
import { luaScriptsInSource, SlotMonitor, slotsOf } from '../../helpers/slot-monitor';
import { storeScenarios } from '../../helpers/store-scenarios';

/**
 * Redis Cluster runs a script or a MULTI only when all its keys hash to one slot, and a script may
 * only use the keys it declares. Here the stores' real flows run on one redis-server under MONITOR,
 * and every script and transaction they sent is checked: one slot, nothing undeclared, and every
 * Lua script in src/ was exercised (a new one fails this until a scenario runs it).
 */
const url = process.env.TEST_REDIS_URL as string;
const keys = redisKeys(`t-${randomUUID()}`);
let redis: Redis;
let monitor: SlotMonitor;

beforeAll(async () => {
  redis = new Redis(url, { maxRetriesPerRequest: 1 });
  monitor = await SlotMonitor.start(url, keys.prefix);
  try {
    for (const [name, run] of Object.entries(storeScenarios(redis, keys))) {
      try {
        await run();
      } catch (error) {
        throw new Error(`scenario ${name}: ${(error as Error).message}`);
      }
    }
  } finally {
    await monitor.stop(url);
  }
});

afterAll(async () => {
  await deleteKeys(redis, `${keys.prefix}:*`);
  await redis.quit();
});

test('every script and transaction the stores run uses keys of one slot', () => {
  expect(monitor.units.length).toBeGreaterThan(20);
  const spanning = monitor.units.filter((unit) => slotsOf(unit).size !== 1).map((unit) => `${unit.kind} ${unit.what}: ${[...new Set([...unit.declared, ...unit.touched])].join(' ')}`);
  expect(spanning).toEqual([]);
});

test('no script uses a key it did not declare', () => {
  const undeclared = monitor.units
    .filter((unit) => unit.kind === 'script')
    .flatMap((unit) => unit.touched.filter((key) => !unit.declared.includes(key)).map((key) => `${unit.what}: ${key}`));
  expect(undeclared).toEqual([]);
});

test('every Lua script in src/ ran in the scenarios', () => {
  const ran = new Set(monitor.units.filter((unit) => unit.kind === 'script').map((unit) => unit.what));
  const scripts = luaScriptsInSource(join(__dirname, '../../..'));
  expect(scripts.size).toBeGreaterThanOrEqual(10);
  expect([...scripts].filter(([sha]) => !ran.has(sha)).map(([, where]) => where)).toEqual([]);
});

test('transactions ran too, and nothing asked for KEYS or SCAN (one node of a cluster only)', () => {
  expect(monitor.units.filter((unit) => unit.kind === 'multi').length).toBeGreaterThanOrEqual(3);
  expect([...monitor.commands].filter((name) => name === 'keys' || name === 'scan')).toEqual([]);
});
