import type { EscalationDefaults, EscalationState } from '../../../src/domain/escalation/model';
import { ladderTimers, manualEscalationTimer, postmortemTimer, renotifyTimer, updateReminderTimer } from '../../../src/domain/escalation/plan';
import {
  acknowledgementOf,
  announcedInChannel,
  currentLevel,
  dataLossLevel,
  levelDueAt,
  postmortemRequired,
  resolvePolicy,
  timerReason,
  unstaffedLevels,
  updateInterval,
} from '../../../src/domain/escalation/policy';
import { reasonText } from '../../../src/domain/escalation/describe';
import { timerId, timerSchema, timerStep } from '../../../src/domain/escalation/timers';
import type { Incident } from '../../../src/domain/incidents/model';

const MIN = 60_000;
const DEFAULTS: EscalationDefaults = {
  escalation: {
    defaultLevels: [
      { after: 0, role: 'on-call' },
      { after: 30 * MIN, role: 'team-lead' },
      { after: 60 * MIN, role: 'engineering-manager' },
    ],
    p0SkipsToLevel: 2,
    renotifyEvery: 15 * MIN,
  },
  updates: { every: 20 * MIN },
  postmortem: { dueWithin: 48 * 60 * MIN, remindAfter: 24 * 60 * MIN, whenSeverity: ['P0', 'P1'], whenLongerThan: 30 * MIN },
};
const START = '2026-11-22T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(START) + minutes * MIN);

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-7',
    number: 7,
    title: 'Checkout 500s',
    severity: 'P2',
    service: 'checkout',
    impact: 'errors',
    status: 'open',
    workStatus: 'Investigating',
    reporterId: 'U0REP',
    commanderId: 'U0IC',
    createdAt: START,
    updateCount: 0,
    revision: 0,
    channelName: 'inc-20261122-checkout-500s',
    channelId: 'C0INC1',
    publication: { invited: true, topicSet: true, pinned: true },
    ...overrides,
  };
}

const state = (overrides: Partial<EscalationState> = {}): EscalationState => ({ epoch: 0, notified: {}, acks: {}, ...overrides });

describe('escalation policy', () => {
  it("uses the service's levels, sorted by delay and numbered in that order", () => {
    const policy = resolvePolicy(
      { escalation: [{ after: 60 * MIN, notify: ['U0CTO'] }, { after: 0, notify: ['U0ONCALL', 'U0ONCALL'] }, { after: 30 * MIN, notify: ['S0LEADS'] }] },
      DEFAULTS.escalation,
    );
    expect(policy.levels).toEqual([
      { level: 1, after: 0, notify: ['U0ONCALL'] },
      { level: 2, after: 30 * MIN, notify: ['S0LEADS'] },
      { level: 3, after: 60 * MIN, notify: ['U0CTO'] },
    ]);
    expect(policy.renotifyEvery).toBe(15 * MIN);
  });

  it("falls back to the template's levels: level 1 the responders, higher levels nobody", () => {
    const policy = resolvePolicy({ responders: ['U0RESP', 'S0ONCALL'] }, DEFAULTS.escalation);
    expect(policy.levels).toEqual([
      { level: 1, after: 0, role: 'on-call', notify: ['U0RESP', 'S0ONCALL'] },
      { level: 2, after: 30 * MIN, role: 'team-lead', notify: [] },
      { level: 3, after: 60 * MIN, role: 'engineering-manager', notify: [] },
    ]);
    expect(resolvePolicy(undefined, DEFAULTS.escalation).levels.map((l) => l.notify)).toEqual([[], [], []]);
  });

  it('dates each level from the anchor; a P0 reaches level 2 at once, level 3 on time', () => {
    const policy = resolvePolicy(undefined, DEFAULTS.escalation);
    const [one, two, three] = policy.levels;
    expect(levelDueAt(policy, two!, 'P1', at(0))).toEqual(at(30));
    expect(levelDueAt(policy, three!, 'P1', at(0))).toEqual(at(60));
    expect(levelDueAt(policy, one!, 'P0', at(0))).toEqual(at(0));
    expect(levelDueAt(policy, two!, 'P0', at(0))).toEqual(at(0));
    expect(levelDueAt(policy, three!, 'P0', at(0))).toEqual(at(60));
    expect(timerReason(policy, one!, 'P0')).toEqual({ kind: 'opened' });
    expect(timerReason(policy, two!, 'P0')).toEqual({ kind: 'severity', severity: 'P0' });
    expect(timerReason(policy, two!, 'P1')).toEqual({ kind: 'elapsed', after: 30 * MIN });
    expect(reasonText({ kind: 'elapsed', after: 30 * MIN })).toBe('unresolved after 30 minutes');
  });

  it('a P0 still open reaches level 3 at the template time; a data loss risk goes to level 3; unstaffed levels are listed per service', () => {
    const defaults = { ...DEFAULTS.escalation, p0Unresolved: { level: 3, after: 30 * MIN }, dataLossLevel: 3 };
    const policy = resolvePolicy({ responders: ['U0ONCALL'] }, defaults);
    const three = policy.levels[2]!;
    expect(levelDueAt(policy, three, 'P0', at(0)).toISOString()).toBe(at(30).toISOString());
    expect(levelDueAt(policy, three, 'P1', at(0)).toISOString()).toBe(at(60).toISOString());
    expect(timerReason(policy, three, 'P0')).toEqual({ kind: 'p0-unresolved', after: 30 * MIN });
    expect(reasonText({ kind: 'p0-unresolved', after: 30 * MIN })).toBe('P0 still unresolved after 30 minutes');
    // without the rule (an older policy.yaml) a P0 climbs as before
    expect(levelDueAt(resolvePolicy({}, DEFAULTS.escalation), three, 'P0', at(0)).toISOString()).toBe(at(60).toISOString());
    // a ladder whose level 3 is already sooner keeps its own time
    const quick = resolvePolicy({ escalation: [{ after: 0, notify: ['U0A'] }, { after: 5 * MIN, notify: ['U0B'] }, { after: 10 * MIN, notify: ['U0C'] }] }, defaults);
    expect(levelDueAt(quick, quick.levels[2]!, 'P0', at(0)).toISOString()).toBe(at(10).toISOString());

    expect(dataLossLevel(policy)?.level).toBe(3);
    expect(dataLossLevel(resolvePolicy({ escalation: [{ after: 0, notify: ['U0A'] }, { after: MIN, notify: ['U0B'] }] }, defaults))?.level).toBe(2);
    expect(reasonText({ kind: 'data-loss', by: 'U0X' }, (id) => `@${id}`)).toBe('data loss risk flagged by @U0X');

    const gaps = unstaffedLevels({ checkout: { responders: ['U0A'] }, search: { escalation: [{ after: 0, notify: ['U0S'] }] } }, defaults);
    expect(gaps.map((gap) => `${gap.service}:${gap.level.level}`)).toEqual(['checkout:2', 'checkout:3']);
  });

  it('says a level in the channel unless it is the opening page; a level that pages nobody always', () => {
    expect(announcedInChannel({ level: 1, after: 0, notify: ['U0A'] }, { kind: 'opened' })).toBe(false);
    expect(announcedInChannel({ level: 1, after: 0, notify: ['U0A'] }, { kind: 'manual', by: 'U0B' })).toBe(true);
    expect(announcedInChannel({ level: 2, after: MIN, notify: ['U0A'] }, { kind: 'elapsed', after: MIN })).toBe(true);
    expect(announcedInChannel({ level: 2, after: MIN, notify: [] }, { kind: 'elapsed', after: MIN }, 'checkout')).toBe(true);
    expect(announcedInChannel({ level: 1, after: 0, notify: [] }, { kind: 'opened' }, 'checkout')).toBe(true);
    expect(announcedInChannel({ level: 2, after: MIN, notify: [] }, { kind: 'elapsed', after: MIN })).toBe(false);
  });

  it('knows the current level and which acknowledgements silence a level', () => {
    const s = state({ notified: { 1: START, 2: at(30).toISOString() }, acks: { 2: { by: 'U0LEAD', at: START } } });
    expect(currentLevel(state())).toBe(0);
    expect(currentLevel(s)).toBe(2);
    expect(acknowledgementOf(s, 1)?.by).toBe('U0LEAD'); // a higher level's ack covers the lower one
    expect(acknowledgementOf(s, 2)?.by).toBe('U0LEAD');
    expect(acknowledgementOf(s, 3)).toBeUndefined();
  });

  it('plans the timers of levels not reached yet, from the anchor of the current ladder', () => {
    const policy = resolvePolicy({ escalation: [{ after: 0, notify: ['U0A'] }, { after: 30 * MIN, notify: ['U0B'] }] }, DEFAULTS.escalation);
    expect(ladderTimers(incident(), state({ notified: { 1: START } }), policy)).toEqual([
      { kind: 'escalation', incidentId: 'INC-7', epoch: 0, level: 2, round: 0, dueAt: at(30).toISOString() },
    ]);
    const reopened = ladderTimers(incident(), state({ epoch: 5, anchor: at(90).toISOString() }), policy);
    expect(reopened.map((t) => [t.epoch, t.level, t.dueAt])).toEqual([
      [5, 1, at(90).toISOString()],
      [5, 2, at(120).toISOString()],
    ]);
    expect(ladderTimers(incident({ severity: 'P0' }), state({ notified: { 1: START } }), policy)[0]!.dueAt).toBe(START);
  });

  it('re-notifies on a fixed cadence from the first notification', () => {
    const first = manualEscalationTimer('INC-7', 0, 2, 'U0IC', at(3));
    const second = renotifyTimer(first, at(3).toISOString(), 15 * MIN);
    expect(second).toEqual({ kind: 'escalation', incidentId: 'INC-7', epoch: 0, level: 2, round: 1, dueAt: at(18).toISOString() });
    expect(renotifyTimer(second, at(3).toISOString(), 15 * MIN).dueAt).toBe(at(33).toISOString());
  });

  it('reminds about updates from the last update (or the reopening), every interval', () => {
    expect(updateInterval({ updateEvery: 5 * MIN }, DEFAULTS)).toBe(5 * MIN);
    expect(updateInterval(undefined, DEFAULTS)).toBe(20 * MIN);
    expect(updateReminderTimer(incident(), state(), 20 * MIN).dueAt).toBe(at(20).toISOString());
    const updated = incident({ lastUpdateAt: at(12).toISOString(), updateCount: 3 });
    expect(updateReminderTimer(updated, state(), 20 * MIN, 2)).toMatchObject({ updateCount: 3, round: 2, dueAt: at(52).toISOString() });
    expect(updateReminderTimer(updated, state({ epoch: 4, anchor: at(40).toISOString() }), 20 * MIN).dueAt).toBe(at(60).toISOString());
  });

  it('asks for a postmortem for P0/P1 or incidents open longer than 30 minutes', () => {
    const resolved = (severity: Incident['severity'], minutes: number) => incident({ severity, status: 'resolved', resolvedAt: at(minutes).toISOString() });
    expect(postmortemRequired(resolved('P1', 5), DEFAULTS.postmortem)).toBe(true);
    expect(postmortemRequired(resolved('P2', 5), DEFAULTS.postmortem)).toBe(false);
    expect(postmortemRequired(resolved('P3', 31), DEFAULTS.postmortem)).toBe(true);
    expect(postmortemTimer(resolved('P2', 5), DEFAULTS.postmortem)).toBeUndefined();
    expect(postmortemTimer(resolved('P0', 5), DEFAULTS.postmortem)?.dueAt).toBe(at(5 + 24 * 60).toISOString());
    expect(postmortemTimer(incident({ severity: 'P0' }), DEFAULTS.postmortem)).toBeUndefined(); // still open
  });
});

describe('timer ids', () => {
  const timers = [
    { kind: 'escalation', incidentId: 'INC-7', epoch: 0, level: 2, round: 0, dueAt: START },
    { kind: 'escalation', incidentId: 'INC-7', epoch: 12, level: 2, round: 3, dueAt: START },
    { kind: 'update-reminder', incidentId: 'INC-7', epoch: 0, updateCount: 4, round: 1, dueAt: START },
    { kind: 'postmortem-reminder', incidentId: 'INC-7', resolvedAt: START, dueAt: START },
  ] as const;

  it('are deterministic, distinct and free of ":"', () => {
    const ids = timers.map((t) => timerId(timerSchema.parse(t)));
    expect(ids).toEqual(['esc-INC-7-e0-l2', 'esc-INC-7-e12-l2-r3', 'upd-INC-7-e0-u4-r1', 'pm-INC-7-20261122100000000']);
    for (const id of ids) expect(id).not.toContain(':');
    expect(timerStep(timers[0], 'dm-U0LEAD')).toBe('esc-INC-7-e0-l2-dm-U0LEAD');
    expect(timerId({ ...timers[0], incidentId: 'weird:id' })).not.toContain(':');
  });

  it('a manual escalation shares the id of the level it brings forward', () => {
    expect(timerId(manualEscalationTimer('INC-7', 0, 2, 'U0IC', at(1)))).toBe(timerId(timers[0]));
  });

  it('rejects malformed job data', () => {
    expect(timerSchema.safeParse({ kind: 'escalation', incidentId: 'INC-7', level: 0 }).success).toBe(false);
  });
});
