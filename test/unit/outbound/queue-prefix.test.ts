import { QUEUE_NAMES, queuePrefix } from '../../../src/outbound/jobs/queues';

describe('queuePrefix', () => {
  it('a single Redis keeps the untagged names, so stored jobs and timers are found after an upgrade', () => {
    for (const name of Object.values(QUEUE_NAMES)) expect(queuePrefix(name, { prefix: 'fb:bull' })).toBe('fb:bull');
    expect(queuePrefix(QUEUE_NAMES.timers, { prefix: 'fb:bull', hashTags: false })).toBe('fb:bull');
  });

  it('on a cluster every queue has a hash tag of its own', () => {
    const prefixes = Object.values(QUEUE_NAMES).map((name) => queuePrefix(name, { prefix: 'fb:bull', hashTags: true }));
    expect(prefixes).toContain('fb:bull:{timers}');
    expect(prefixes).toContain('fb:bull:{incident-events}');
    expect(new Set(prefixes).size).toBe(Object.values(QUEUE_NAMES).length);
    for (const prefix of prefixes) expect(prefix).toMatch(/^fb:bull:\{[a-z-]+\}$/);
  });
});
