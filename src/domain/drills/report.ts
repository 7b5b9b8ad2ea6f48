import type { Incident, TimelineEntry } from '../incidents/model';
import type { DrillTargets } from './model';

export const DRILL_REMEDIATION_KIND = 'drill-remediation';

export interface DrillFigure {
  name: 'acknowledge' | 'mitigate' | 'resolve';
  /** Milliseconds from the start; undefined when it never happened. */
  took?: number;
  target: number;
  met: boolean;
}

export interface DrillReport {
  figures: DrillFigure[];
  skippedSteps: string[];
  missed: DrillFigure['name'][];
  result: 'passed' | 'missed targets';
}

const since = (start: number, entry: TimelineEntry | undefined) => (entry ? Date.parse(entry.at) - start : undefined);

/**
 * The drill's figures from its timeline: acknowledged (first acknowledgement), mitigated (first
 * dry-run remediation or an update to Monitoring) and resolved, each against its target; and the
 * runbook steps nobody ticked.
 */
export function drillReport(incident: Incident, timeline: TimelineEntry[], targets: DrillTargets, steps: string[], ticked: string[]): DrillReport {
  const start = Date.parse(incident.createdAt);
  const acknowledged = timeline.find((entry) => entry.kind === 'acknowledged');
  const mitigated = timeline.find((entry) => entry.kind === DRILL_REMEDIATION_KIND || (entry.kind === 'update' && entry.data?.status === 'Monitoring'));
  const resolved = incident.resolvedAt ? Date.parse(incident.resolvedAt) - start : undefined;
  const figure = (name: DrillFigure['name'], took: number | undefined): DrillFigure => ({ name, took, target: targets[name], met: took !== undefined && took <= targets[name] });
  const figures = [figure('acknowledge', since(start, acknowledged)), figure('mitigate', since(start, mitigated)), figure('resolve', resolved)];
  const done = new Set(ticked);
  const skippedSteps = steps.filter((_step, index) => !done.has(String(index)));
  const missed = figures.filter((f) => !f.met).map((f) => f.name);
  return { figures, skippedSteps, missed, result: missed.length === 0 ? 'passed' : 'missed targets' };
}
