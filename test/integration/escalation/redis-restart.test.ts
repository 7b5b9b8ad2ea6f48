import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRedis, type LocalRedis } from '../../../src/lib/redis-server';
import { sleep, waitFor } from '../../helpers/harness';
import { dmsTo, startBot, startIncident, type Bot } from './helpers';

const CONFIG = `
services:
  checkout:
    channel: "#checkout-alerts"
    escalation:
      - { after: 0s, notify: [U0ONCALL] }
      - { after: 4s, notify: [U0LEAD] }
`;

describe('a restart of Redis (AOF on)', () => {
  let dir: string;
  let redis: LocalRedis | undefined;
  let bot: Bot | undefined;

  afterEach(async () => {
    await bot?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no pending escalation: level 2 fires once Redis is back', async () => {
    dir = mkdtempSync(join(tmpdir(), 'firebreak-aof-'));
    redis = await startLocalRedis({ dir });
    const port = redis.port;
    bot = await startBot({ config: CONFIG, redisUrl: redis.url });
    await startIncident(bot);
    await waitFor('level 1', () => dmsTo(bot!.slack, 'U0ONCALL').length === 1);

    // Redis goes away (SIGTERM flushes the AOF) with level 2 still pending, and comes back on the same port and data.
    await redis.stop();
    await sleep(1000);
    redis = await startLocalRedis({ dir, port });
    expect(dmsTo(bot.slack, 'U0LEAD')).toHaveLength(0);

    await waitFor('level 2 after the Redis restart', () => dmsTo(bot!.slack, 'U0LEAD').length === 1, 15_000);
    await sleep(500);
    expect(dmsTo(bot.slack, 'U0LEAD')).toHaveLength(1);
    expect(dmsTo(bot.slack, 'U0ONCALL')).toHaveLength(1);
  });
});
