import { drillReport } from '../../../src/domain/drills/report';
import type { Incident, TimelineEntry } from '../../../src/domain/incidents/model';

const start = new Date();
const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000).toISOString();
const incident = (resolvedAfter?: number) =>
  ({ createdAt: start.toISOString(), resolvedAt: resolvedAfter === undefined ? undefined : at(resolvedAfter) }) as Incident;
const entry = (minutes: number, kind: string, data?: Record<string, unknown>): TimelineEntry => ({ at: at(minutes), actor: 'U1', kind, text: kind, data });
const targets = { acknowledge: 5 * 60_000, mitigate: 10 * 60_000, resolve: 30 * 60_000 };

describe('drillReport', () => {
  it('measures from the start: first ack, first dry run or Monitoring update, resolve; lists unticked steps', () => {
    const timeline = [entry(1, 'update', { status: 'Investigating' }), entry(3, 'acknowledged'), entry(8, 'update', { status: 'Monitoring' }), entry(9, 'drill-remediation')];
    const report = drillReport(incident(40), timeline, targets, ['a', 'b', 'c'], ['1']);
    expect(report.figures.map((f) => [f.name, f.took, f.met])).toEqual([
      ['acknowledge', 3 * 60_000, true],
      ['mitigate', 8 * 60_000, true],
      ['resolve', 40 * 60_000, false],
    ]);
    expect(report.skippedSteps).toEqual(['a', 'c']);
    expect(report.missed).toEqual(['resolve']);
    expect(report.result).toBe('missed targets');
  });

  it('what never happened is not reached and misses its target', () => {
    const report = drillReport(incident(2), [], targets, [], []);
    expect(report.figures.map((f) => f.took)).toEqual([undefined, undefined, 2 * 60_000]);
    expect(report.missed).toEqual(['acknowledge', 'mitigate']);
  });

  it('passes when every figure is within its target', () => {
    const report = drillReport(incident(20), [entry(1, 'acknowledged'), entry(5, 'drill-remediation')], targets, ['a'], ['0']);
    expect(report.result).toBe('passed');
    expect(report.skippedSteps).toEqual([]);
  });
});
