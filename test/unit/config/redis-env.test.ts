import { parseEnv } from '../../../src/config/env';
import { redisTargetFromEnv } from '../../../src/config/redis';
import { ConfigError } from '../../../src/lib/errors';
import { describeRedisTarget, parseHostPorts } from '../../../src/lib/redis-connection';

/** The issues parseEnv reports for `env`, as "KEY: message" lines. */
function issues(env: Record<string, string>): string[] {
  try {
    parseEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('where Redis is (REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS)', () => {
  it('nothing set: no target, so main.ts starts the embedded redis-server', () => {
    expect(redisTargetFromEnv(parseEnv({}))).toBeUndefined();
  });

  it('REDIS_URL: one Redis', () => {
    expect(redisTargetFromEnv(parseEnv({ REDIS_URL: 'redis://r:6379' }))).toEqual({ kind: 'single', url: 'redis://r:6379' });
  });

  it('REDIS_CLUSTER_NODES: the seed nodes of a cluster, with REDIS_PASSWORD', () => {
    const env = parseEnv({ REDIS_CLUSTER_NODES: ' redis-0:7000, 10.0.0.2:7001,[::1]:7002 ', REDIS_PASSWORD: 's3cret' });
    expect(redisTargetFromEnv(env)).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'redis-0', port: 7000 }, { host: '10.0.0.2', port: 7001 }, { host: '::1', port: 7002 }],
      password: 's3cret',
    });
  });

  it('REDIS_SENTINELS with REDIS_SENTINEL_NAME: Sentinel, passwords for the master and the Sentinels', () => {
    const env = parseEnv({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'mymaster', REDIS_PASSWORD: 'a', REDIS_SENTINEL_PASSWORD: 'b' });
    const target = redisTargetFromEnv(env);
    expect(target).toEqual({ kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], name: 'mymaster', password: 'a', sentinelPassword: 'b' });
    expect(describeRedisTarget(target!)).toBe('Sentinel master "mymaster" via s1:26379,s2:26379');
  });

  it.each([
    ['redis-0', 'REDIS_CLUSTER_NODES'],
    ['redis-0:0', 'REDIS_CLUSTER_NODES'],
    ['redis-0:65536', 'REDIS_CLUSTER_NODES'],
    ['redis-0:7000,,redis-1:7001', 'REDIS_CLUSTER_NODES'],
    ['redis://redis-0:7000', 'REDIS_CLUSTER_NODES'],
  ])('a bad node list %p is a startup error naming %s', (value, key) => {
    expect(issues({ [key]: value })).toEqual([`${key}: must be host:port pairs separated by commas (e.g. redis-0:6379,redis-1:6379)`]);
    expect(issues({ REDIS_SENTINELS: value, REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_SENTINELS: must be host:port pairs separated by commas (e.g. redis-0:6379,redis-1:6379)',
    ]);
  });

  it('only one way to reach Redis at a time', () => {
    expect(issues({ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'a:1' })).toEqual([
      'REDIS_CLUSTER_NODES: set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS (REDIS_URL and REDIS_CLUSTER_NODES are set)',
    ]);
    expect(issues({ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 's:2', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'REDIS_SENTINELS: set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS (REDIS_CLUSTER_NODES and REDIS_SENTINELS are set)',
    ]);
  });

  it('Sentinel keys come together, and the passwords only where they are used', () => {
    expect(issues({ REDIS_SENTINELS: 's:26379' })).toEqual(['REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS: the master name the Sentinels monitor']);
    expect(issues({ REDIS_SENTINEL_NAME: 'm' })).toEqual(['REDIS_SENTINEL_NAME: is only used with REDIS_SENTINELS']);
    expect(issues({ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINEL_PASSWORD: 'x' })).toEqual(['REDIS_SENTINEL_PASSWORD: is only used with REDIS_SENTINELS']);
    expect(issues({ REDIS_URL: 'redis://r:6379', REDIS_PASSWORD: 'x' })).toEqual([
      'REDIS_PASSWORD: is for REDIS_CLUSTER_NODES or REDIS_SENTINELS; with REDIS_URL put it in the URL (redis://:password@host:6379)',
    ]);
  });

  it('blank values count as unset', () => {
    expect(redisTargetFromEnv(parseEnv({ REDIS_CLUSTER_NODES: '', REDIS_SENTINELS: ' ', REDIS_URL: 'redis://r:1' }))).toEqual({ kind: 'single', url: 'redis://r:1' });
  });

  it('parseHostPorts keeps the order given', () => {
    expect(parseHostPorts('b:2,a:1')).toEqual([{ host: 'b', port: 2 }, { host: 'a', port: 1 }]);
  });
});
