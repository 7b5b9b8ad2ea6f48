import { Cluster, type Redis } from 'ioredis';

/** Delete every key matching `pattern` (SCAN, never KEYS) — on every master of a cluster. No nock here: benchmarks import it too. */
export async function deleteKeys(redis: Redis | Cluster, pattern: string): Promise<void> {
  if (redis instanceof Cluster) {
    await Promise.all(redis.nodes('master').map((node) => deleteKeys(node, pattern)));
    return;
  }
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    // One key per command: on a cluster node, keys of different slots cannot go in one DEL.
    if (keys.length > 0) await Promise.all(keys.map((key) => redis.unlink(key)));
  } while (cursor !== '0');
}
