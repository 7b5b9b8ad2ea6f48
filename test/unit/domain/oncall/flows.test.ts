import type { Incident } from '../../../../src/domain/incidents/model';
import type { IncidentService } from '../../../../src/domain/incidents/service';
import { OncallFlows, type OncallNotifier } from '../../../../src/domain/oncall/flows';
import type { ExternalOnCall, Override } from '../../../../src/domain/oncall/model';
import type { ExternalSchedules, OverrideStore } from '../../../../src/domain/oncall/ports';
import { OncallService } from '../../../../src/domain/oncall/service';
import { fixedClock } from '../../../../src/lib/clock';

const HOUR = 3_600_000;
const START = new Date(Date.UTC(2030, 0, 7, 9)); // injected, never compared with the real clock

class MemoryOverrides implements OverrideStore {
  readonly all: Override[] = [];
  async add(override: Override) {
    this.all.push(override);
  }
  async list(rotation: string, now: Date) {
    return this.all.filter((o) => o.rotation === rotation && Date.parse(o.until) > now.getTime());
  }
}

function setup(external?: (name: string) => ExternalOnCall) {
  const clock = fixedClock(new Date(START.getTime() + 2 * HOUR));
  const overrides = new MemoryOverrides();
  const schedules: ExternalSchedules | undefined = external && { onCall: async (target) => external(`${target.kind}:${target.name}`) };
  const oncall = new OncallService({
    rotations: { primary: { name: 'primary', members: ['U0ALICE001', 'U0BOB00001'], start: START, length: 24 * HOUR } },
    overrides,
    external: schedules,
    clock,
  });
  const incident = { id: 'INC-7', status: 'open', channelId: 'C0INC7', service: 'checkout' } as Incident;
  const said: string[] = [];
  const notes: string[] = [];
  const notifier: OncallNotifier = {
    handoffLine: async (i, h) => void said.push(`${i.id} handoff ${h.from}->${h.to}`),
    invite: async (channel, user) => void said.push(`invite ${user} to ${channel}`),
    staleSchedule: async (i, s) => void said.push(`${i.id} stale ${s.target} ${s.knownAt ?? 'never'}`),
  };
  const incidents = {
    openIncidentForService: async (service: string) => (service === 'checkout' ? incident : undefined),
    note: async (_id: string, _actor: string, _kind: string, text: string) => void notes.push(text),
  } as unknown as IncidentService;
  const done = new Set<string>();
  const scheduled: string[] = [];
  const flows = new OncallFlows({
    oncall,
    incidents,
    notifier,
    servicesByRotation: { primary: ['checkout', 'payments'] },
    once: async (step, action) => {
      if (done.has(step)) return false;
      await action();
      done.add(step);
      return true;
    },
    scheduleHandoff: async (rotation, at) => void scheduled.push(`${rotation}@${at.toISOString()}`),
  });
  return { clock, oncall, flows, incident, said, notes, scheduled, overrides };
}

describe('OncallService.resolve', () => {
  it('replaces on-call targets in place, keeps users and groups, drops duplicates and unknown rotations', async () => {
    const { oncall } = setup((name) => ({ users: name === 'pagerduty:P1' ? ['U0PD000001', 'U0ALICE001'] : [] }));
    const resolved = await oncall.resolve(['S0GROUP', 'rotation:primary', 'U0LEAD', 'pagerduty:P1', 'rotation:gone', 'U0LEAD']);
    expect(resolved).toEqual({ targets: ['S0GROUP', 'U0ALICE001', 'U0LEAD', 'U0PD000001'], stale: [] });
  });

  it('resolves at the moment asked', async () => {
    const { oncall } = setup();
    expect((await oncall.resolve(['rotation:primary'], new Date(START.getTime() + 25 * HOUR))).targets).toEqual(['U0BOB00001']);
  });

  it('refuses an override of an unknown rotation or of no duration', async () => {
    const { oncall, overrides } = setup();
    await expect(oncall.override({ rotation: 'nope', userId: 'U0X00001', durationMs: HOUR, by: 'U0LEAD' })).rejects.toThrow('no rotation "nope"');
    await expect(oncall.override({ rotation: 'primary', userId: 'U0X00001', durationMs: 0, by: 'U0LEAD' })).rejects.toThrow('longer than zero');
    expect(overrides.all).toHaveLength(0);
  });
});

describe('OncallFlows', () => {
  it('a handoff is said once per open incident (however often the job runs) and chains the next one', async () => {
    const { flows, said, notes, scheduled } = setup();
    const at = new Date(START.getTime() + 24 * HOUR);
    await flows.handoff('primary', at);
    await flows.handoff('primary', at);
    expect(said).toEqual(['INC-7 handoff U0ALICE001->U0BOB00001', 'invite U0BOB00001 to C0INC7']);
    expect(notes).toEqual(['On-call handoff in primary: @U0BOB00001 takes over from @U0ALICE001']);
    expect(scheduled).toEqual([`primary@${new Date(START.getTime() + 48 * HOUR).toISOString()}`, `primary@${new Date(START.getTime() + 48 * HOUR).toISOString()}`]);
  });

  it('a job at a moment that is no handoff (an override moved it) says nothing', async () => {
    const { flows, said } = setup();
    await flows.override({ rotation: 'primary', userId: 'U0ALICE001', durationMs: 30 * HOUR, by: 'U0LEAD' });
    expect((await flows.handoff('primary', new Date(START.getTime() + 24 * HOUR))).handoff).toBeUndefined();
    expect(said).toEqual([]);
  });

  it('an override schedules its handoff now; a stale external schedule is said in the channel once per last-known answer', async () => {
    const { flows, scheduled, said, incident, clock } = setup(() => ({ users: ['U0PD000001'], stale: { knownAt: '2030-01-07T10:00:00.000Z', error: 'PagerDuty: answered HTTP 503' } }));
    await flows.override({ rotation: 'primary', userId: 'U0DAVE0001', durationMs: HOUR, by: 'U0LEAD' });
    expect(scheduled).toEqual([`primary@${clock.now().toISOString()}`]);
    for (let i = 0; i < 2; i++) expect(await flows.resolveForIncident(['pagerduty:P1'], { incident, at: clock.now() })).toEqual(['U0PD000001']);
    expect(said).toEqual(['INC-7 stale pagerduty:P1 2030-01-07T10:00:00.000Z']);
  });
});
