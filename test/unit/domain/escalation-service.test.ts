import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EscalationDeps } from '../../../src/domain/escalation/firing';
import type { LevelNotice } from '../../../src/domain/escalation/model';
import type { EscalationNotifier, TimerScheduler } from '../../../src/domain/escalation/ports';
import { EscalationService } from '../../../src/domain/escalation/service';
import { timerId, type Timer } from '../../../src/domain/escalation/timers';
import type { Incident, TimelineEntry } from '../../../src/domain/incidents/model';
import type { IncidentRepository } from '../../../src/domain/incidents/ports';
import { IncidentService } from '../../../src/domain/incidents/service';
import { fixedClock } from '../../../src/lib/clock';
import { redisKeys } from '../../../src/lib/keys';
import { RedisEscalationStore } from '../../../src/outbound/store/escalation-store';
import { redisUrl } from '../../helpers/harness';
import { deleteKeys } from '../../helpers/redis';

const START = '2026-11-22T10:00:00.000Z';
const MIN = 60_000;

let redis: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterEach(async () => {
  for (const prefix of prefixes.splice(0)) await deleteKeys(redis, `${prefix}:*`);
});
afterAll(() => redis.quit());

/** In-memory fakes of the incident, timer and Slack ports around the real Redis escalation store. */
function fakes() {
  const incidents = new Map<string, Incident>();
  const timelines = new Map<string, TimelineEntry[]>();
  const repository = {
    get: async (id: string) => (incidents.has(id) ? structuredClone(incidents.get(id)) : undefined),
    transition: async (next: Incident, expected: number, entry: TimelineEntry) => {
      const current = incidents.get(next.id);
      if (!current) return 'missing';
      if (current.revision !== expected) return 'conflict';
      incidents.set(next.id, structuredClone(next));
      timelines.set(next.id, [...(timelines.get(next.id) ?? []), entry]);
      return 'stored';
    },
    appendTimeline: async (id: string, entry: TimelineEntry) => void timelines.set(id, [...(timelines.get(id) ?? []), entry]),
    timeline: async (id: string) => timelines.get(id) ?? [],
  } as unknown as IncidentRepository;
  // The real Redis store: "once per person" and acknowledgements are its Lua scripts' promises.
  const prefix = `esc${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  prefixes.push(prefix);
  const store = new RedisEscalationStore(redis, redisKeys(prefix));
  const scheduled = new Map<string, Timer>();
  /** Runs once, inside the next schedule() call: something that happens meanwhile elsewhere. */
  const hooks: { duringSchedule?: () => Promise<void> } = {};
  const scheduler: TimerScheduler = {
    schedule: async (timer) => {
      scheduled.set(timerId(timer), timer);
      const hook = hooks.duringSchedule;
      hooks.duringSchedule = undefined;
      await hook?.();
    },
    cancel: async (_id, options = {}) => {
      const ids = [...scheduled.keys()].filter((id) => (!options.prefixes || options.prefixes.some((p) => id.startsWith(p))) && !options.except?.includes(id));
      ids.forEach((id) => scheduled.delete(id));
      return ids.length;
    },
  };
  const sent: { kind: string; to?: string; notice?: LevelNotice }[] = [];
  const notifier: EscalationNotifier = {
    expand: async (targets) => targets.flatMap((t) => (t === 'S0TEAM' ? ['U0A', 'U0B'] : [t])),
    directMessage: async (to, notice) => void sent.push({ kind: 'dm', to, notice }),
    escalationLine: async (notice) => void sent.push({ kind: 'line', notice }),
    acknowledged: async () => void sent.push({ kind: 'ack' }),
    updateReminder: async () => void sent.push({ kind: 'update-reminder' }),
    postmortem: async (notice) => void sent.push({ kind: `postmortem-${notice.kind}` }),
    invite: async (_channel, to) => void sent.push({ kind: 'invite', to }),
  };
  const clock = fixedClock(START);
  const incidentService = new IncidentService(repository, { publish: async () => undefined }, clock);
  const deps: EscalationDeps = {
    incidents: incidentService,
    store,
    scheduler,
    notifier,
    services: { checkout: { escalation: [{ after: 0, notify: ['U0ONCALL', 'S0TEAM'] }, { after: 30 * MIN, notify: ['U0LEAD'] }] } },
    defaults: {
      escalation: { defaultLevels: [{ after: 0, role: 'on-call' }], p0SkipsToLevel: 2, renotifyEvery: 15 * MIN },
      updates: { every: 20 * MIN },
      postmortem: { dueWithin: 48 * 60 * MIN, remindAfter: 24 * 60 * MIN, whenSeverity: ['P0', 'P1'], whenLongerThan: 30 * MIN },
    },
    clock,
  };
  const incident: Incident = {
    id: 'INC-1', number: 1, title: 'Checkout 500s', severity: 'P2', service: 'checkout', impact: 'errors', status: 'open',
    workStatus: 'Investigating', reporterId: 'U0REP', commanderId: 'U0IC', createdAt: START, updateCount: 0, revision: 0,
    channelName: 'inc-checkout', channelId: 'C0INC1', publication: { invited: true, topicSet: true, pinned: true },
  };
  incidents.set(incident.id, incident);
  return { service: new EscalationService(deps), incidents, scheduled, sent, clock, incident, timelines, hooks };
}

describe('EscalationService', () => {
  it('schedules the ladder and the update reminder when an incident opens', async () => {
    const f = fakes();
    await f.service.handle({ type: 'opened', incident: f.incident });
    expect([...f.scheduled.keys()].sort()).toEqual(['esc-INC-1-e0-l1', 'esc-INC-1-e0-l2', 'upd-INC-1-e0-u0-r1']);
    expect(f.scheduled.get('esc-INC-1-e0-l2')!.dueAt).toBe(new Date(Date.parse(START) + 30 * MIN).toISOString());
  });

  it('fires a level once per person even when the job runs twice, then schedules its reminder', async () => {
    const f = fakes();
    await f.service.handle({ type: 'opened', incident: f.incident });
    const levelOne = f.scheduled.get('esc-INC-1-e0-l1')!;
    expect(await f.service.fire(levelOne)).toEqual({ fired: true });
    expect(await f.service.fire(levelOne)).toEqual({ fired: true });
    expect(f.sent.map((s) => `${s.kind}:${s.to ?? ''}`)).toEqual(['dm:U0ONCALL', 'dm:U0A', 'dm:U0B']);
    expect(f.scheduled.get('esc-INC-1-e0-l1-r1')!.dueAt).toBe(new Date(Date.parse(START) + 15 * MIN).toISOString());
    expect(f.timelines.get('INC-1')!.filter((e) => e.kind === 'escalation')).toHaveLength(1);
  });

  it('never fires into a resolved incident, and an early timer waits for its due time', async () => {
    const f = fakes();
    await f.service.handle({ type: 'opened', incident: f.incident });
    const levelTwo = f.scheduled.get('esc-INC-1-e0-l2')!;
    expect(await f.service.fire(levelTwo)).toMatchObject({ fired: false, notBefore: new Date(levelTwo.dueAt) });
    f.incidents.set('INC-1', { ...f.incident, status: 'resolved', resolvedAt: START });
    f.clock.advance(31 * MIN);
    expect(await f.service.fire(levelTwo)).toMatchObject({ fired: false, why: 'the incident is resolved' });
    expect(f.sent).toEqual([]);
  });

  it('acknowledging stops the reminders of that level; escalate now asks for the next level once', async () => {
    const f = fakes();
    await f.service.handle({ type: 'opened', incident: f.incident });
    await f.service.fire(f.scheduled.get('esc-INC-1-e0-l1')!);
    expect(await f.service.acknowledge('INC-1', 'U0A')).toEqual({ kind: 'acknowledged', level: 1 });
    expect(f.scheduled.has('esc-INC-1-e0-l1-r1')).toBe(false);
    expect(await f.service.acknowledge('INC-1', 'U0B')).toMatchObject({ kind: 'already', ack: { by: 'U0A' } });

    expect(await f.service.escalateNow('INC-1', 'U0IC')).toMatchObject({ kind: 'escalating', level: { level: 2 } });
    expect(f.scheduled.get('esc-INC-1-e0-l2')).toMatchObject({ escalatedBy: 'U0IC', dueAt: START });
    await f.service.fire(f.scheduled.get('esc-INC-1-e0-l2')!);
    expect(await f.service.escalateNow('INC-1', 'U0IC', { level: 1, epoch: 0 })).toEqual({ kind: 'already', level: 2 });
    expect(await f.service.escalateNow('INC-1', 'U0IC')).toEqual({ kind: 'top', level: 2 });
    expect(f.sent.filter((s) => s.kind === 'line').map((s) => s.notice!.reason)).toEqual([{ kind: 'manual', by: 'U0IC' }]);
  });

  it('resolve cancels everything and schedules the postmortem reminder for a P1; reopen restarts from now', async () => {
    const f = fakes();
    await f.service.handle({ type: 'opened', incident: f.incident });
    const resolved = { ...f.incident, severity: 'P1' as const, status: 'resolved' as const, resolvedAt: START, revision: 1 };
    f.incidents.set('INC-1', resolved);
    await f.service.handle({ type: 'resolved', incident: resolved, resolution: { rootCause: 'x', userImpact: 'y', followUp: 'z' }, author: 'U0IC', sequence: 1 });
    expect([...f.scheduled.keys()]).toEqual(['pm-INC-1-20261122100000000']);
    expect(f.sent.map((s) => s.kind)).toEqual(['postmortem-announcement']);

    f.clock.advance(90 * MIN);
    const reopened = { ...resolved, status: 'open' as const, resolvedAt: undefined, revision: 2 };
    f.incidents.set('INC-1', reopened);
    await f.service.handle({ type: 'reopened', incident: reopened, author: 'U0IC', sequence: 2 });
    expect([...f.scheduled.keys()].sort()).toEqual(['esc-INC-1-e2-l1', 'esc-INC-1-e2-l2', 'upd-INC-1-e2-u0-r1']);
    expect(f.scheduled.get('esc-INC-1-e2-l2')!.dueAt).toBe(new Date(Date.parse(START) + 120 * MIN).toISOString());
    // a stale timer of the first ladder does nothing
    expect(await f.service.fire({ kind: 'escalation', incidentId: 'INC-1', epoch: 0, level: 1, round: 1, dueAt: START })).toMatchObject({ fired: false });
  });

  it('a severity change whose timers land while a resolve is handled takes them back out, keeping the postmortem reminder', async () => {
    const f = fakes();
    await f.service.handle({ type: 'opened', incident: f.incident });
    const p0 = { ...f.incident, severity: 'P0' as const, revision: 1 };
    f.incidents.set('INC-1', p0);
    const resolved = { ...p0, status: 'resolved' as const, resolvedAt: START, revision: 2 };
    // The resolve is stored and its handler runs between the severity handler's read and its last schedule.
    f.hooks.duringSchedule = async () => {
      f.incidents.set('INC-1', resolved);
      await f.service.handle({ type: 'resolved', incident: resolved, resolution: { rootCause: 'x', userImpact: 'y', followUp: 'z' }, author: 'U0IC', sequence: 2 });
    };
    await f.service.handle({ type: 'severity-changed', incident: p0, from: 'P2', author: 'U0IC', sequence: 1 });
    expect([...f.scheduled.keys()]).toEqual(['pm-INC-1-20261122100000000']);
  });
});
