import type { Deploy, NewDeploy } from '../../src/domain/deploys/model';

/** A succeeded blue-green deploy of checkout v1.2.2 → v1.2.3; override what a test is about. */
export function aDeploy(overrides: Partial<NewDeploy> = {}): NewDeploy {
  return {
    service: 'checkout',
    environment: 'production',
    version: 'v1.2.3',
    previousVersion: 'v1.2.2',
    strategy: 'blue-green',
    status: 'succeeded',
    timestamp: '2026-11-22T10:00:00.000Z',
    changes: { config: false, dependencies: false, migrations: [], flags: [] },
    source: 'generic',
    ...overrides,
  };
}

/** The same, as the store returns it (with an id). */
export function aStoredDeploy(overrides: Partial<Deploy> = {}): Deploy {
  return { id: 'dep-42', ...aDeploy(overrides), ...overrides };
}
