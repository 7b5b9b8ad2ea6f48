import { rollbackButton } from '../../../src/blocks/remediation';
import { SEVERITY_DEFINITIONS_BLOCK, startIncidentModal, updateIncidentModal } from '../../../src/blocks/incident-modals';
import { updateCadence } from '../../../src/config/cadence';
import { loadContent } from '../../../src/content';
import type { Incident } from '../../../src/domain/incidents/model';
import { aStoredDeploy } from '../../helpers/factories';

const content = loadContent();

describe('text fidelity', () => {
  it('shows every severity definition in full on the start form; option texts stay within 75 characters', () => {
    const view = startIncidentModal({ severities: content.severities, services: ['checkout'], reporterId: 'U1', metadata: {} });
    const blocks = view.blocks as unknown as { type: string; block_id?: string; elements?: { text: string }[]; element?: { options?: { text: { text: string }; description?: unknown }[] } }[];
    const definitions = blocks.find((b) => b.block_id === SEVERITY_DEFINITIONS_BLOCK)!;
    expect(definitions.type).toBe('context');
    for (const [i, id] of (['P0', 'P1', 'P2', 'P3'] as const).entries()) {
      const { label, definition } = content.severities[id];
      expect(definitions.elements![i]!.text).toBe(`*${id} ${label}* — ${definition}`);
    }
    expect(content.severities.P1.definition.length).toBeGreaterThan(75); // the case the select used to cut
    const options = blocks.find((b) => b.block_id === 'severity')!.element!.options!;
    expect(options.every((o) => o.text.text.length <= 75 && o.description === undefined)).toBe(true);
  });

  it('uses one update cadence: the service’s updateEvery, else policy.yaml updates.every, as the form’s default', () => {
    const config = { services: { checkout: { updateEvery: 15 * 60_000 }, payments: {} } } as unknown as Parameters<typeof updateCadence>[1];
    expect(updateCadence('checkout', config, content.policy)).toBe(15 * 60_000);
    expect(updateCadence('payments', config, content.policy)).toBe(content.policy.updates.every);
    expect(updateCadence(undefined, config, content.policy)).toBe(20 * 60_000);
    const view = updateIncidentModal({ id: 'INC-1', workStatus: 'Investigating' } as Incident, 15 * 60_000);
    const next = (view.blocks as unknown as { block_id: string; element: { initial_value?: string } }[]).find((b) => b.block_id === 'next_update')!;
    expect(next.element.initial_value).toBe('in 15 minutes');
  });

  it('warns about data consistency in the Rollback confirmation when the deploy ran migrations', () => {
    const withMigrations = aStoredDeploy({ changes: { config: false, dependencies: false, migrations: ['0042_add_col'], flags: [] } });
    const text = rollbackButton(withMigrations, { kind: 'incident', id: 'INC-1' }, '2 minutes').confirm!.text.text;
    expect(text).toContain('It ran migrations (0042_add_col): a rollback can leave data half-migrated');
    expect(text).toContain('restore a backup only as a last resort');
    expect(text.length).toBeLessThanOrEqual(300);
    const without = aStoredDeploy({ changes: { config: false, dependencies: false, migrations: [], flags: [] } });
    expect(rollbackButton(without, { kind: 'incident', id: 'INC-1' }).confirm!.text.text).not.toContain('migrations');
  });
});
