import { DEFAULT_RECOVERY_POLICY, type RecoveryJob } from '../../../../src/domain/recovery/model';
import type { Paged, RecoveryReadings, ResultView } from '../../../../src/domain/recovery/ports';
import { RecoveryWatch } from '../../../../src/domain/recovery/service';
import type { ActionRecord } from '../../../../src/domain/remediation/model';
import { loadContent } from '../../../../src/content';

const now = new Date('2030-01-01T00:10:00Z'); // an injected clock: nothing here reads the real one

function aRecord(incidentId?: string): ActionRecord {
  return {
    spec: {
      id: 'rollback-alert-fp-d1',
      run: 1,
      kind: 'rollback',
      service: 'checkout',
      environment: 'production',
      deployId: 'd1',
      fromVersion: 'v2',
      toVersion: 'v1',
      context: incidentId ? { kind: 'incident', id: incidentId } : { kind: 'alert', id: 'fp' },
      ...(incidentId ? { incidentId } : {}),
      actor: 'U1',
      requestedAt: '2030-01-01T00:00:00Z',
      reason: 'r',
      thread: { channel: 'C1', threadTs: '1.1' },
      retry: { attempts: 1, backoffMs: 0 },
    },
    progress: { state: 'succeeded', attempt: 1, finishedAt: '2030-01-01T00:01:00Z' },
  };
}

/** In-memory fakes of the watch's ports. */
function watchFor(record: ActionRecord, escalate: () => Promise<Paged | 'top' | undefined>, open = true) {
  const kept = new Map<string, string>();
  const done = new Set<string>();
  const results: ResultView[] = [];
  const scheduled: { job: RecoveryJob; dueAt: number }[] = [];
  const readings: RecoveryReadings = {
    name: 'fake',
    latest: async () => ({ value: 0.5 }),
    throughput: async () => ({ values: [10, 10] }),
    baseline: async () => ({ value: 0.2 }),
  };
  const escalations: string[] = [];
  const watch = new RecoveryWatch({
    actions: { get: async (id) => (id === record.spec.id ? record : undefined) },
    readings: () => readings,
    deploys: { get: async () => undefined },
    contexts: { describe: async () => ({ title: 't', openedAt: '2030-01-01T00:00:00Z' }) },
    scheduler: { schedule: async (job, dueAt) => void scheduled.push({ job, dueAt }) },
    steps: {
      once: async (watchId, step, action) => {
        if (done.has(`${watchId}/${step}`)) return false;
        await action();
        done.add(`${watchId}/${step}`);
        return true;
      },
      keep: async (watchId, name, value) => {
        const key = `${watchId}/${name}`;
        if (!kept.has(key)) kept.set(key, value);
        return kept.get(key)!;
      },
      ticked: async () => [],
    },
    notifier: { postResult: async (view) => void results.push(view), postChecklist: async () => undefined, postReminder: async () => undefined },
    incidents: { isOpen: async () => open },
    escalator: {
      escalateNow: async (id, reason) => {
        escalations.push(`${id}: ${reason}`);
        return escalate();
      },
    },
    audit: { record: async () => undefined },
    policy: DEFAULT_RECOVERY_POLICY,
    checklist: loadContent().postRollbackChecklist,
    clock: { now: () => now },
    logger: { warn: () => undefined },
  });
  return { watch, results, scheduled, escalations };
}

const check = (c: 'errorRate' | 'latencyP95'): RecoveryJob => ({ kind: 'check', actionId: 'rollback-alert-fp-d1', run: 1, check: c });

describe('RecoveryWatch', () => {
  it('schedules each check and reminder at the action end plus its policy time', async () => {
    const { watch, scheduled } = watchFor(aRecord('INC-1'), async () => undefined);
    await watch.start(aRecord('INC-1'));
    const end = Date.parse('2030-01-01T00:01:00Z');
    expect(scheduled.map((s) => [s.job.kind === 'check' ? s.job.check : s.job.phase, s.dueAt - end])).toEqual([
      ['throughput', 120_000],
      ['latencyP95', 180_000],
      ['errorRate', 300_000],
      ['validation', 900_000],
      ['documentation', 3_600_000],
      ['rootCause', 86_400_000],
    ]);
  });

  it('without an incident an unmet target says so and pages nobody', async () => {
    const { watch, results, escalations } = watchFor(aRecord(), async () => ({ level: 1, targets: [] }));
    expect(await watch.fire(check('errorRate'))).toBe('posted');
    expect(results.map((r) => [r.verdict.outcome, r.escalation])).toEqual([['not-recovered', { kind: 'no-incident' }]]);
    expect(escalations).toEqual([]);
  });

  it('at the top of the ladder: said, escalated once, and the next unmet target does not ask again', async () => {
    const { watch, results, escalations } = watchFor(aRecord('INC-1'), async () => 'top');
    await watch.fire(check('latencyP95'));
    await watch.fire(check('errorRate'));
    await watch.fire(check('errorRate')); // a replay
    expect(results.map((r) => r.escalation)).toEqual([{ kind: 'top' }, { kind: 'already' }]);
    expect(escalations).toEqual(['INC-1: not recovered after the rollback of checkout v2 → v1: not recovered: p95 latency 500 ms (target: at most 220 ms, baseline 200 ms)']);
  });

  it('an incident resolved meanwhile: nothing measured, nothing posted', async () => {
    const { watch, results } = watchFor(aRecord('INC-1'), async () => undefined, false);
    expect(await watch.fire(check('errorRate'))).toBe('skipped-resolved');
    expect(await watch.fire({ kind: 'reminder', actionId: 'rollback-alert-fp-d1', run: 1, phase: 'validation' })).toBe('skipped-resolved');
    expect(results).toEqual([]);
  });
});
