import { alertCard } from '../../../src/blocks/alert-card';
import { listItems, markdownToMrkdwn, runbookCard, runbookModal, sectionOf } from '../../../src/blocks/runbook-card';
import { loadContent } from '../../../src/content';
import type { AlertState } from '../../../src/domain/alerts/model';
import type { Verdict } from '../../../src/domain/correlation';

const content = loadContent();

describe('runbook card', () => {
  it('fits every runbook: at most 50 blocks, 3000 characters a section, Show all, plan and criteria', () => {
    for (const runbook of content.runbooks) {
      const card = runbookCard({ runbook, diagnosis: [], causes: listItems(sectionOf(runbook, /cause/i)) });
      expect(card.blocks.length).toBeLessThanOrEqual(50);
      const json = JSON.stringify(card.blocks);
      expect(json).toContain('"text":"Show all"');
      expect(json).toContain('*Rollback plan*');
      expect(json).toContain('*Success criteria*');
      for (const block of card.blocks) if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(3000);
      const modal = runbookModal(runbook);
      expect(modal.blocks.length).toBeLessThanOrEqual(100);
    }
  });

  it('escapes operator Markdown for Slack: bullets, headings and steps kept, nothing else becomes markup', () => {
    expect(markdownToMrkdwn('- **Bold** <a> & `code`\n### Sub\n- [ ] step').toString()).toBe('• Bold &lt;a&gt; &amp; `code`\n*Sub*\n☐ step');
    expect(listItems('1. One\n2) Two\n- Three\n- [ ] not a cause\ntext')).toEqual(['One', 'Two', 'Three']);
  });
});

describe('alert card recommendation', () => {
  const alert = (value: number): AlertState => ({
    fingerprint: 'f', service: 'checkout', name: 'HighErrorRate', severity: 'critical', status: 'firing', state: 'firing', startsAt: new Date().toISOString(),
    labels: {}, value, firstSeen: new Date().toISOString(), lastSeen: new Date().toISOString(), count: 1, source: 'generic',
  } as unknown as AlertState);
  const verdict = { kind: 'none', suspects: [], diagnosis: [], advice: [] } as unknown as Verdict;
  const counts = { firing: 1, resolved: 0, byName: {} };
  it('recommends rolling back first above the threshold, not below', () => {
    expect(JSON.stringify(alertCard({ alert: alert(0.07), verdict, counts, rollbackTargets: {}, errorRateThreshold: 0.05 }).blocks)).toContain('roll back first');
    expect(JSON.stringify(alertCard({ alert: alert(0.04), verdict, counts, rollbackTargets: {}, errorRateThreshold: 0.05 }).blocks)).not.toContain('roll back first');
  });
});
