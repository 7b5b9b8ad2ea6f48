import { loadContent } from '../../../../src/content';
import type { Incident } from '../../../../src/domain/incidents/model';
import { applyPublication, componentStates, suggestStage, type PublicIncident, type PublishRequest } from '../../../../src/domain/status/model';
import { draftText, draftTitle, plainText } from '../../../../src/domain/status/texts';

const now = Date.now();
const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-7', number: 7, title: 'Internal: bad config in v1.2.3', severity: 'P1', service: 'checkout', impact: 'errors',
    status: 'open', workStatus: 'Investigating', reporterId: 'U1', commanderId: 'U1', createdAt: iso(-60_000), updateCount: 0, revision: 0,
    channelName: 'inc-x', publication: { invited: true, topicSet: true, pinned: true }, ...overrides,
  };
}

const request = (overrides: Partial<PublishRequest> = {}): PublishRequest => ({
  requestId: 'V1', incidentId: 'INC-7', stage: 'investigating', title: 'Checkout errors', text: 'Looking into it', by: 'U2', requestedAt: iso(0), ...overrides,
});

describe('status page model', () => {
  it('suggests the runbook stage from the incident', () => {
    expect(suggestStage(incident(), undefined)).toBe('investigating');
    expect(suggestStage(incident({ workStatus: 'Identified' }), undefined)).toBe('identified');
    expect(suggestStage(incident({ rootCause: 'bad config' }), undefined)).toBe('identified');
    expect(suggestStage(incident({ workStatus: 'Monitoring' }), undefined)).toBe('identified');
    expect(suggestStage(incident({ status: 'resolved' }), undefined)).toBe('resolved');
  });

  it('applies a publication once, with the severity as impact, and resolved clears on a later stage', () => {
    const first = applyPublication(undefined, request(), incident(), iso(0));
    expect(first).toMatchObject({ incidentId: 'INC-7', title: 'Checkout errors', services: ['checkout'], impact: 'partial_outage', stage: 'investigating', startedAt: iso(0) });
    expect(applyPublication(first, request(), incident(), iso(5000))).toBe(first);
    const resolved = applyPublication(first, request({ requestId: 'V2', stage: 'resolved' }), incident({ severity: 'P0' }), iso(10_000));
    expect(resolved).toMatchObject({ stage: 'resolved', resolvedAt: iso(10_000), impact: 'major_outage', startedAt: iso(0) });
    expect(resolved.updates.map((u) => u.id)).toEqual(['V1', 'V2']);
    const reopened = applyPublication(resolved, request({ requestId: 'V3', stage: 'identified' }), incident(), iso(20_000));
    expect(reopened.resolvedAt).toBeUndefined();
  });

  it("gives each component the worst unresolved public incident's impact", () => {
    const base = applyPublication(undefined, request(), incident(), iso(0));
    const worse: PublicIncident = { ...base, incidentId: 'INC-8', impact: 'major_outage' };
    const over: PublicIncident = { ...base, incidentId: 'INC-9', impact: 'major_outage', services: ['search'], stage: 'resolved' };
    expect(componentStates(['checkout', 'search', 'payments'], [base, worse, over])).toEqual([
      { service: 'checkout', state: 'major_outage' },
      { service: 'search', state: 'operational' },
      { service: 'payments', state: 'operational' },
    ]);
  });

  it('drafts the runbook templates as plain text, and a neutral title', () => {
    const content = loadContent();
    const render = (id: 'statuspage-investigating' | 'statuspage-identified' | 'statuspage-resolved', vars: Record<string, string | number | undefined>) => content.render(id, vars).toString();
    expect(draftText(incident(), 'investigating', render, 30 * 60_000)).toBe(
      'Investigating — We are looking into a problem affecting checkout.\nWe will post an update at least every 30 minutes.',
    );
    expect(draftText(incident(), 'identified', render, 30 * 60_000)).toContain('We know what is causing the problem with checkout and are fixing it.');
    expect(draftText(incident({ service: undefined }), 'resolved', render, 30 * 60_000)).toMatch(/^Resolved — The problem with our service is fixed/);
    expect(draftTitle(incident())).toBe('Problems with checkout');
    expect(draftTitle(incident(), 'Already public')).toBe('Already public');
    expect(plainText('*Identified* — a_b and *bold* text, 2*3*4')).toBe('Identified — a_b and bold text, 2*3*4');
  });
});
