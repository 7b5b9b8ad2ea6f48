import type { Policy } from '../content/schema';
import type { ConfigFile } from './file';

/**
 * The one update cadence: the service's `updateEvery`, else policy.yaml `updates.every`. The update
 * form's default, the Initial message's promise and the update reminder all use it.
 */
export function updateCadence(service: string | undefined, config: Pick<ConfigFile, 'services'>, policy: Pick<Policy, 'updates'>): number {
  return (service ? config.services[service]?.updateEvery : undefined) ?? policy.updates.every;
}
