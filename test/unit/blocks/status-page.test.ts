import { escapeHtml, statusPageHtml } from '../../../src/blocks/status-page-html';
import { statusPageFeed } from '../../../src/blocks/status-page-feed';
import { statusPageJson, statusPageView } from '../../../src/blocks/status-page-view';
import { proposalMessage, publishModal } from '../../../src/blocks/status-page';
import type { Incident } from '../../../src/domain/incidents/model';
import type { PublicIncident } from '../../../src/domain/status/model';

const now = new Date();
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();

const published: PublicIncident = {
  incidentId: 'INC-3',
  title: 'Checkout <errors> & "timeouts"',
  services: ['checkout'],
  impact: 'partial_outage',
  stage: 'identified',
  startedAt: at(-600_000),
  updatedAt: at(-60_000),
  updates: [
    { id: 'V1', stage: 'investigating', text: 'Looking <script>x</script>', at: at(-600_000) },
    { id: 'V2', stage: 'identified', text: "It's the <db>", at: at(-60_000) },
  ],
  providerIncidentId: 'secret-provider-id',
};

describe('status page renderers', () => {
  const view = statusPageView('Acme <status>', ['checkout', 'search'], [published], now);

  it('escapes every outside string in the HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = statusPageHtml(view, { json: '/status.json', feed: '/status/feed' });
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>Acme &lt;status&gt;</title>');
    expect(html).toContain('Checkout &lt;errors&gt; &amp; &quot;timeouts&quot;');
    expect(html).toContain('Looking &lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('secret-provider-id');
  });

  it('answers JSON with public fields only, newest update first', () => {
    const json = statusPageJson(view);
    expect(json.status).toEqual({ indicator: 'partial_outage', description: 'Partial outage' });
    expect(json.components).toEqual([
      { name: 'checkout', status: 'partial_outage', description: 'Partial outage' },
      { name: 'search', status: 'operational', description: 'Operational' },
    ]);
    expect(json.incidents[0]!.updates.map((u) => u.id)).toEqual(['V2', 'V1']);
    expect(JSON.stringify(json)).not.toContain('secret-provider-id');
  });

  it('writes an Atom feed with escaped entries, newest first', () => {
    const feed = statusPageFeed(view, { page: 'https://status.test/status', feed: 'https://status.test/status/feed' });
    expect(feed).toContain('<id>https://status.test/status/feed</id>');
    expect(feed.indexOf('It&#39;s the &lt;db&gt;')).toBeLessThan(feed.indexOf('Looking &lt;script&gt;'));
    expect(feed).toContain('<title>Identified: Checkout &lt;errors&gt; &amp; &quot;timeouts&quot;</title>');
    expect(feed).toContain(`<updated>${published.updates[1]!.at}</updated>`);
  });

  it('builds the proposal and modal for Slack with escaped text and the button', () => {
    const incident = { id: 'INC-3', service: 'checkout' } as Incident;
    const message = proposalMessage(incident, 'identified', 'Update #2 posted', 'We know <why> & fix');
    expect(message.text).toContain('> We know &lt;why&gt; &amp; fix');
    expect(JSON.stringify(message.blocks)).toContain('"text":"Publish to status page"');
    const modal = publishModal(incident, { stage: 'identified', title: 'T', text: 'X' });
    expect(modal.callback_id).toBe('statuspage_publish');
    expect(JSON.parse(modal.private_metadata!)).toEqual({ incidentId: 'INC-3' });
  });
});
