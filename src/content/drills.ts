import { readdirSync } from 'node:fs';
import path from 'node:path';
import { drillScenarioSchema, type DrillScenario } from '../domain/drills/model';
import { readYaml, type Reading } from './read';

/** runbook-content/drills/*.yaml, each validated; the file name must be the drill's id. */
export function readDrills(reading: Reading, runbookIds: string[]): DrillScenario[] {
  let names: string[] = [];
  try {
    names = readdirSync(path.join(reading.dir, 'drills'))
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => name.slice(0, -'.yaml'.length))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') reading.issues.push({ path: 'drills/', message: `cannot list: ${String(error)}` });
    return [];
  }
  const drills: DrillScenario[] = [];
  for (const name of names) {
    const file = `drills/${name}.yaml`;
    const drill = readYaml(reading, file, drillScenarioSchema);
    if (!drill) continue;
    if (drill.id !== name) reading.issues.push({ path: `${file}: id`, message: `id "${drill.id}" does not match the file name "${name}"` });
    if (!runbookIds.includes(drill.runbook)) {
      reading.issues.push({ path: `${file}: runbook`, message: `no runbook "${drill.runbook}"; known: ${runbookIds.join(', ')}` });
    }
    drills.push(drill);
  }
  return drills;
}
