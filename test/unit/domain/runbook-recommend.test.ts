import { rankCauses, rollBackFirst, rollBackFirstText } from '../../../src/domain/runbooks/recommend';

describe('roll back first (the debug guide: above 5 % errors with no known cause)', () => {
  const alert = { name: 'HighErrorRate', value: 0.07 };
  it('applies only above the threshold, to an error measure, while the cause is unknown', () => {
    expect(rollBackFirst(alert, 0.05, false)).toBe(true);
    expect(rollBackFirst({ ...alert, value: 0.05 }, 0.05, false)).toBe(false); // at the threshold is not above it
    expect(rollBackFirst({ ...alert, value: 0.03 }, 0.05, false)).toBe(false);
    expect(rollBackFirst(alert, 0.05, true)).toBe(false);
    expect(rollBackFirst({ name: 'HighLatency', value: 0.9 }, 0.05, false)).toBe(false);
    expect(rollBackFirst({ name: 'Checkout', summary: '5xx rate 7%', value: 0.07 }, 0.05, false)).toBe(true);
    expect(rollBackFirst({ name: 'Checkout', labels: { signal: 'error_rate' }, value: 0.2 }, 0.05, false)).toBe(true);
    expect(rollBackFirst({ name: 'ErrorCount', value: 42 }, 0.05, false)).toBe(false); // not a ratio
    expect(rollBackFirst({ name: 'HighErrorRate' }, 0.05, false)).toBe(false);
    expect(rollBackFirst(undefined, 0.05, false)).toBe(false);
    expect(rollBackFirstText(0.05)).toBe('Errors are above 5 % and the cause is unknown: roll back first, diagnose on the previous version.');
  });

  it('ranks diagnosed causes first, without duplicates', () => {
    expect(rankCauses(['A bug', 'Config'], ['config', 'Migration'])).toEqual(['config', 'Migration', 'A bug']);
  });
});
