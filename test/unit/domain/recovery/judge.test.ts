import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONTENT_DIR, loadContent } from '../../../../src/content';
import { describeVerdict } from '../../../../src/domain/recovery/describe';
import { judge } from '../../../../src/domain/recovery/judge';
import { DEFAULT_RECOVERY_POLICY, recoveryJobId } from '../../../../src/domain/recovery/model';
import { ContentError } from '../../../../src/lib/errors';

const policy = DEFAULT_RECOVERY_POLICY;
const base = { source: 'pushed samples', at: 0 };

describe('judging the runbook recovery targets', () => {
  it('error rate: under the target recovers, at or above it does not, no reading is no data', () => {
    expect(judge({ ...base, check: 'errorRate', latest: { value: 0.009 } }, policy)).toMatchObject({ outcome: 'recovered', value: 0.009, target: 0.01 });
    expect(judge({ ...base, check: 'errorRate', latest: { value: 0.01 } }, policy)).toMatchObject({ outcome: 'not-recovered' });
    expect(judge({ ...base, check: 'errorRate', latest: { missing: 'no sample' } }, policy)).toMatchObject({ outcome: 'no-data', detail: 'no sample' });
  });

  it('p95: at most 1.1 × the baseline; without a baseline it is no data, never recovered', () => {
    expect(judge({ ...base, check: 'latencyP95', latest: { value: 0.22 }, baseline: { value: 0.2 } }, policy)).toMatchObject({ outcome: 'recovered', reference: 0.2 });
    expect(judge({ ...base, check: 'latencyP95', latest: { value: 0.221 }, baseline: { value: 0.2 } }, policy)).toMatchObject({ outcome: 'not-recovered' });
    const noBaseline = judge({ ...base, check: 'latencyP95', latest: { value: 0.1 }, baseline: { missing: 'nothing pushed before the deploy' } }, policy);
    expect(noBaseline).toMatchObject({ outcome: 'no-data', detail: 'no baseline: nothing pushed before the deploy' });
    expect(describeVerdict(noBaseline)).toBe('no data for p95 latency (no baseline: nothing pushed before the deploy), so recovery is not confirmed');
  });

  it('throughput: every reading within ±10 % of the mean; one reading or no traffic is not stable', () => {
    expect(judge({ ...base, check: 'throughput', series: { values: [100, 109, 95] } }, policy)).toMatchObject({ outcome: 'recovered' });
    expect(judge({ ...base, check: 'throughput', series: { values: [100, 150] } }, policy)).toMatchObject({ outcome: 'not-recovered', value: 0.2, reference: 125 });
    expect(judge({ ...base, check: 'throughput', series: { values: [100] } }, policy)).toMatchObject({ outcome: 'no-data' });
    expect(judge({ ...base, check: 'throughput', series: { values: [0, 0] } }, policy)).toMatchObject({ outcome: 'not-recovered', detail: 'no traffic at all' });
  });

  it('job ids are deterministic and free of ":"', () => {
    const id = recoveryJobId({ kind: 'check', actionId: 'rollback-incident-INC:7-d1', run: 2, check: 'errorRate' });
    expect(id).toBe('rcv-rollback-incident-INC_7-d1-run2-errorRate');
    expect(recoveryJobId({ kind: 'reminder', actionId: 'a', run: 1, phase: 'rootCause' })).toBe('rcv-a-remind-rootCause');
  });
});

describe('recovery content', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'firebreak-recovery-'));
    cpSync(DEFAULT_CONTENT_DIR, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (file: string, change: (text: string) => string) => writeFileSync(path.join(dir, file), change(readFileSync(path.join(dir, file), 'utf8')));
  const issuesOf = () => {
    try {
      loadContent(dir);
    } catch (error) {
      return (error as ContentError).issues.map((i) => `${i.path}: ${i.message}`);
    }
    throw new Error('expected loadContent to throw');
  };

  it('the shipped policy holds the runbook numbers (error rate < 1 % in 5 min, p95 in 3 min, throughput in 2 min; reminders 15 min, 1 h, 24 h)', () => {
    expect(loadContent().policy.recovery).toEqual(DEFAULT_RECOVERY_POLICY);
  });

  it('a bad recovery block names each key', () => {
    edit('policy.yaml', (text) => text.replace('errorRate: { below: 0.01, within: 5m }', 'errorRate: { below: 2, within: soon }').replace('validation: 15m, ', ''));
    const issues = issuesOf();
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^policy\.yaml: recovery\.errorRate\.below: /),
        expect.stringMatching(/^policy\.yaml: recovery\.errorRate\.within: "soon" is not a duration/),
        expect.stringMatching(/^policy\.yaml: recovery\.checklistReminders\.validation: /),
      ]),
    );
  });

  it('a checklist item id used twice is named', () => {
    edit('checklists/post-rollback.yaml', (text) => text.replace('id: deploy-logs', 'id: error-rate-back'));
    expect(issuesOf()).toEqual([expect.stringMatching(/^checklists\/post-rollback\.yaml: rootCause\.items\.0\.id: duplicate id "error-rate-back"/)]);
  });
});
