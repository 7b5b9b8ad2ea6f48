import { checklistBlockIdSchema } from '../../../src/blocks/recovery-ids';
import { checklistReminderMessage, postRollbackChecklistMessage, recoveryResultMessage } from '../../../src/blocks/recovery';
import { loadContent } from '../../../src/content';
import type { ActionRecord } from '../../../src/domain/remediation/model';

const hostile = '<!channel> & <https://evil.test|click>';
const record: ActionRecord = {
  spec: {
    id: 'flag-incident-INC-1-x',
    run: 1,
    kind: 'disable-flag',
    service: 'checkout',
    environment: 'production',
    flagKey: hostile,
    context: { kind: 'incident', id: 'INC-1' },
    incidentId: 'INC-1',
    actor: 'U0RESP1',
    requestedAt: new Date(0).toISOString(),
    reason: 'test',
    thread: { channel: 'C1', threadTs: '1.2' },
    retry: { attempts: 1, backoffMs: 0 },
  },
  progress: { state: 'succeeded', attempt: 1 },
};

describe('recovery messages', () => {
  it('escape outside text (a flag key, a no-data reason) and show the value against the target', () => {
    const message = recoveryResultMessage({
      record,
      withinMs: 300_000,
      verdict: { check: 'errorRate', outcome: 'no-data', detail: hostile, source: hostile, at: 0 },
    });
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil.test');
    expect(message.text).toContain('*Error rate: no data*, 5 min after the disable flag *&lt;!channel&gt; &amp; &lt;https://evil.test|click&gt;* of *checkout* in production — not claiming recovery (&lt;!channel&gt;');
    const unmet = recoveryResultMessage({
      record,
      withinMs: 180_000,
      verdict: { check: 'latencyP95', outcome: 'not-recovered', value: 0.5, target: 0.22, reference: 0.2, source: 'Prometheus', at: 0 },
      escalation: { kind: 'escalated', paged: { level: 2, targets: ['U0LEAD', 'S0LEADS'] } },
    });
    expect(unmet.text).toContain('p95 latency not recovered*: p95 latency 500 ms (target: at most 220 ms, baseline 200 ms), 3 min after');
    expect(JSON.stringify(unmet.blocks)).toContain('Escalated to level 2 (<@U0LEAD>, <!subteam^S0LEADS>).');
  });

  it('the checklist has one checkbox group per phase whose block id round-trips; a reminder lists the open items escaped', () => {
    const checklist = loadContent().postRollbackChecklist;
    const message = postRollbackChecklistMessage({ record, watch: 'w-1', checklist, ticked: ['integrations'], reminders: { validation: 900_000, documentation: 3_600_000, rootCause: 86_400_000 } });
    const actions = message.blocks.filter((b) => b.type === 'actions') as { block_id: string; elements: { initial_options?: { value: string }[] }[] }[];
    expect(actions.map((b) => checklistBlockIdSchema.parse(b.block_id))).toEqual([
      { phase: 'validation', watch: 'w-1' },
      { phase: 'documentation', watch: 'w-1' },
      { phase: 'rootCause', watch: 'w-1' },
    ]);
    expect(actions[0]!.elements[0]!.initial_options?.map((o) => o.value)).toEqual(['integrations']);
    expect(JSON.stringify(message.blocks)).toContain('reminder 24 h after the rollback');
    expect(checklistBlockIdSchema.safeParse('post_rollback|later|w-1').success).toBe(false);
    const reminder = checklistReminderMessage({ record, phase: 'validation', title: 'Immediate validation', open: [hostile], afterMs: 900_000 });
    expect(reminder.text).toContain('15 min after the rollback: still open in *Immediate validation*\n• &lt;!channel&gt; &amp;');
  });
});
