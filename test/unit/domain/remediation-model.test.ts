import {
  blockingStates,
  idempotencyKey,
  remediationActionId,
  remediationTargetKey,
  retryDelayMs,
} from '../../../src/domain/remediation/model';
import { formatElapsed } from '../../../src/lib/human-duration';

describe('remediation model', () => {
  it('derives one deterministic id per context, action and target, safe as a BullMQ job id', () => {
    const incident = { kind: 'incident' as const, id: 'INC-7' };
    expect(remediationActionId('rollback', incident, 'dep:42')).toBe('rollback-incident-INC-7-dep_42');
    expect(remediationActionId('disable-flag', { kind: 'alert', id: 'a1b2' }, 'new-checkout')).toBe('flag-alert-a1b2-new-checkout');
    expect(remediationActionId('rollback', incident, 'dep-42')).toBe(remediationActionId('rollback', incident, 'dep-42'));
  });

  it('keys the same deploy (or flag) the same way from every context', () => {
    const rollback = { kind: 'rollback' as const, service: 'checkout', environment: 'production', deployId: 'dep-42' };
    expect(remediationTargetKey(rollback)).toBe('rollback-dep-42');
    expect(remediationTargetKey({ ...rollback, kind: 'disable-flag', flagKey: 'new-checkout' })).toBe('flag-checkout-production-new-checkout');
    expect(blockingStates('rollback')).toContain('succeeded');
    expect(blockingStates('disable-flag')).not.toContain('succeeded');
  });

  it('keeps the idempotency key across attempts and changes it for a new run', () => {
    expect(idempotencyKey({ id: 'rollback-incident-INC-7-dep-42', run: 1 })).toBe('rollback-incident-INC-7-dep-42');
    expect(idempotencyKey({ id: 'rollback-incident-INC-7-dep-42', run: 2 })).toBe('rollback-incident-INC-7-dep-42-run2');
  });

  it('backs off exponentially, never before Retry-After, at most 10 minutes', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 100))).toEqual([100, 200, 400, 800]);
    expect(retryDelayMs(1, 100, 5_000)).toBe(5_000);
    expect(retryDelayMs(30, 2_000)).toBe(600_000);
  });

  it('formats elapsed times for people', () => {
    expect([850, 42_000, 120_000, 125_000, 3_780_000].map(formatElapsed)).toEqual(['850 ms', '42 s', '2 min', '2 min 5 s', '1 h 3 min']);
  });
});
