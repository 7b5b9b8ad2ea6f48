import type { DeployChanges } from '../deploys/model';
import type { ChangeSummary } from './model';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** What a deploy changed, structured for buttons (flags to disable) and as one line for people. */
export function summariseChanges(changes: DeployChanges): ChangeSummary {
  const flagsEnabled = changes.flags.filter((f) => f.enabled).map((f) => f.key);
  const flagsDisabled = changes.flags.filter((f) => !f.enabled).map((f) => f.key);
  const parts: string[] = [];
  if (changes.config) parts.push('config');
  if (changes.dependencies) parts.push('dependencies');
  if (changes.migrations.length > 0) {
    parts.push(`${plural(changes.migrations.length, 'migration')} (${changes.migrations.join(', ')})`);
  }
  parts.push(...flagsEnabled.map((key) => `flag ${key} on`), ...flagsDisabled.map((key) => `flag ${key} off`));
  return {
    config: changes.config,
    dependencies: changes.dependencies,
    migrations: [...changes.migrations],
    flagsEnabled,
    flagsDisabled,
    text: parts.length > 0 ? parts.join(', ') : 'no config, dependency, migration or flag changes recorded',
  };
}
