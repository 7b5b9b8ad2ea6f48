import { Redis } from 'ioredis';
import { redisUrl, startHarness, type Harness } from '../../helpers/harness';
import { ENDPOINTS, fuzzEndpoint, requestsFor, settle, type FuzzStats } from '../../helpers/fuzz';

/**
 * Generated payloads against every webhook and /slack/events (the proof sends thousands:
 * `npm run proof -- fuzz`): no 5xx, no crash, nothing stored from a 4xx. Redis database 9 is this
 * file's own, and workers are off, so its key count moves only with what a request stores.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);

const CONFIG = `
announcements: "#incidents"
services:
  checkout: { channel: "#checkout-alerts", guard: { mode: propose } }
`;

describe('fuzzing every endpoint', () => {
  let h: Harness;
  let db: Redis;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  beforeAll(async () => {
    const url = `${redisUrl()}/9`;
    db = new Redis(url);
    await db.flushdb();
    h = await startHarness({ config: CONFIG, redisUrl: url, workers: false });
    await settle(db);
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    await h.close();
    await db.flushdb();
    await db.quit();
  });

  it.each(ENDPOINTS.map((e) => [e]))('%s: never 5xx, nothing stored from a 4xx', async (endpoint) => {
    const stats: FuzzStats = await fuzzEndpoint(h.url, db, endpoint, requestsFor(endpoint, RUNS, SEED));
    expect(stats.failures).toEqual([]);
    expect(stats.storedFrom4xx).toEqual([]);
    expect(stats.sent).toBe(RUNS);
    // The generator reaches both sides: some bodies are stored, some refused.
    if (endpoint !== 'slack') expect(Object.keys(stats.byStatus)).toEqual(expect.arrayContaining(['202', '400']));
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect(crashes).toEqual([]);
  }, 60_000);
});
