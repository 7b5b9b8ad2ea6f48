import fc from 'fast-check';
import { TZDate } from '@date-fns/tz';
import type { Override, Rotation } from '../../../../src/domain/oncall/model';
import { nextHandoff, onCallAt, onCallNow, scheduledShiftAt } from '../../../../src/domain/oncall/schedule';
import { parseDuration } from '../../../../src/lib/duration';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

/** Local wall-clock hour and minute of an instant in Berlin. */
const berlinTime = (at: Date) => {
  const local = new TZDate(at.getTime(), 'Europe/Berlin');
  return `${local.getHours()}:${String(local.getMinutes()).padStart(2, '0')}`;
};

// The times below are injected, never compared with the real clock.
const spring: Rotation = {
  name: 'payments-primary',
  members: ['U0ALICE001', 'U0BOB00001', 'U0CAROL001'],
  start: new Date('2026-03-23T08:00:00Z'), // Monday 09:00 CET; Europe/Berlin moves to CEST on Sunday 2026-03-29
  length: WEEK,
  timezone: 'Europe/Berlin',
};

describe('rotation turns', () => {
  it('hands over at 09:00 local time after clocks go forward (one real hour earlier in UTC)', () => {
    // 09:00 CEST on Monday 30 March is 07:00 UTC; 168 real hours after the start would be 08:00 UTC.
    expect(scheduledShiftAt(spring, new Date('2026-03-30T06:59:59Z'))?.userId).toBe('U0ALICE001');
    const bob = scheduledShiftAt(spring, new Date('2026-03-30T07:30:00Z'))!;
    expect(bob.userId).toBe('U0BOB00001');
    expect(bob.from.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(bob.until.toISOString()).toBe('2026-04-06T07:00:00.000Z');
    expect(berlinTime(bob.from)).toBe('9:00');
    // the first turn was one real hour shorter than a week
    expect(bob.from.getTime() - spring.start.getTime()).toBe(WEEK - HOUR);
  });

  it('hands over at 09:00 local time after clocks go back (one real hour later in UTC)', () => {
    const autumn: Rotation = { ...spring, start: new Date('2026-10-19T07:00:00Z') }; // Monday 09:00 CEST; CET from 2026-10-25
    expect(scheduledShiftAt(autumn, new Date('2026-10-26T07:30:00Z'))?.userId).toBe('U0ALICE001');
    const bob = scheduledShiftAt(autumn, new Date('2026-10-26T08:00:00Z'))!;
    expect(bob.userId).toBe('U0BOB00001');
    expect(berlinTime(bob.from)).toBe('9:00');
    expect(bob.from.getTime() - autumn.start.getTime()).toBe(WEEK + HOUR);
  });

  it('without a time zone counts absolute time', () => {
    const utc: Rotation = { ...spring, timezone: undefined };
    expect(scheduledShiftAt(utc, new Date('2026-03-30T07:30:00Z'))?.userId).toBe('U0ALICE001');
    expect(scheduledShiftAt(utc, new Date('2026-03-30T08:00:00Z'))?.userId).toBe('U0BOB00001');
  });

  it('12h turns keep 09:00 and 21:00 local across the change, and cycle through the members', () => {
    const halfDays: Rotation = { ...spring, start: new Date('2026-03-28T08:00:00Z'), length: 12 * HOUR };
    const turns = [0, 1, 2, 3, 4].map((n) => scheduledShiftAt(halfDays, new Date(halfDays.start.getTime() + n * 12 * HOUR + HOUR))!);
    expect(turns.map((t) => berlinTime(t.from))).toEqual(['9:00', '21:00', '9:00', '21:00', '9:00']);
    expect(turns.map((t) => t.userId)).toEqual(['U0ALICE001', 'U0BOB00001', 'U0CAROL001', 'U0ALICE001', 'U0BOB00001']);
  });

  it('nobody is on call before the start; the first member is next', () => {
    const before = new Date(spring.start.getTime() - HOUR);
    expect(scheduledShiftAt(spring, before)).toBeUndefined();
    expect(onCallNow(spring, [], before)).toEqual({ rotation: 'payments-primary', userId: undefined, until: spring.start, next: 'U0ALICE001' });
  });

  it('every instant lies in its turn, and every turn starts at the start’s local time (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 * 24 * 60 }), fc.constantFrom(1, 7, 14), (minutes, days) => {
        const rotation = { ...spring, length: days * 24 * HOUR };
        const at = new Date(spring.start.getTime() + minutes * 60_000);
        const shift = scheduledShiftAt(rotation, at)!;
        expect(shift.from.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(shift.until.getTime()).toBeGreaterThan(at.getTime());
        expect(berlinTime(shift.from)).toBe('9:00');
        expect(berlinTime(shift.until)).toBe('9:00');
      }),
      { numRuns: 300 },
    );
  });
});

describe('overrides', () => {
  const at = new Date('2026-04-01T10:00:00Z'); // Bob's turn (30 March – 6 April)
  const override = (userId: string, from: Date, hours: number, takenAt: Date = from): Override => ({
    rotation: spring.name,
    userId,
    from: from.toISOString(),
    until: new Date(from.getTime() + hours * HOUR).toISOString(),
    by: 'U0LEAD',
    at: takenAt.toISOString(),
  });

  it('an override takes the shift; the latest taken wins; when it ends the schedule is back', () => {
    const dave = override('U0DAVE0001', at, 8);
    expect(onCallAt(spring, [dave], at)).toBe('U0DAVE0001');
    const erin = override('U0ERIN0001', new Date(at.getTime() + HOUR), 2, new Date(at.getTime() + HOUR));
    expect(onCallAt(spring, [erin, dave], new Date(at.getTime() + 2 * HOUR))).toBe('U0ERIN0001');
    expect(onCallAt(spring, [erin, dave], new Date(at.getTime() + 4 * HOUR))).toBe('U0DAVE0001');
    expect(onCallAt(spring, [erin, dave], new Date(at.getTime() + 8 * HOUR))).toBe('U0BOB00001');
  });

  it('the board says until when and who is next, with and without an override', () => {
    expect(onCallNow(spring, [], at)).toEqual({ rotation: 'payments-primary', userId: 'U0BOB00001', until: new Date('2026-04-06T07:00:00Z'), next: 'U0CAROL001' });
    const dave = override('U0DAVE0001', at, 8);
    const board = onCallNow(spring, [dave], at);
    expect(board).toMatchObject({ userId: 'U0DAVE0001', until: new Date(at.getTime() + 8 * HOUR), next: 'U0BOB00001', override: dave });
  });

  it('an override by the next person runs into their turn: the handoff is when someone else takes over', () => {
    const carolEarly = override('U0CAROL001', new Date('2026-04-05T19:00:00Z'), 24);
    const handoff = nextHandoff(spring, [carolEarly], at)!;
    expect(handoff).toEqual({ at: new Date('2026-04-05T19:00:00Z'), userId: 'U0CAROL001' });
    // after her override starts, nothing changes at Monday's handoff: the next change is her turn's end
    expect(nextHandoff(spring, [carolEarly], new Date('2026-04-05T20:00:00Z'))).toEqual({ at: new Date('2026-04-13T07:00:00Z'), userId: 'U0ALICE001' });
  });

  it('a one-member rotation without overrides never hands over', () => {
    expect(nextHandoff({ ...spring, members: ['U0ALICE001'] }, [], at)).toBeUndefined();
  });
});

describe('durations', () => {
  it('accept weeks', () => {
    expect(parseDuration('1w')).toBe(WEEK);
    expect(parseDuration('2d')).toBe(48 * HOUR);
    expect(parseDuration('12h')).toBe(12 * HOUR);
  });
});
