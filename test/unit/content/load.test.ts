import Mustache from 'mustache';
import { joinMd, link, mention, mentionTarget } from '../../../src/blocks/mrkdwn';
import { DEFAULT_CONTENT_DIR, loadContent, REQUIRED_RUNBOOKS, TEMPLATE_IDS, TEMPLATES } from '../../../src/content';

describe('loadContent with the real runbook-content/', () => {
  const content = loadContent();

  it('resolves the default directory to the repository root', () => {
    expect(DEFAULT_CONTENT_DIR).toMatch(/runbook-content$/);
    expect(loadContent(DEFAULT_CONTENT_DIR).runbooks).toHaveLength(content.runbooks.length);
  });

  it('loads the five runbooks with their front matter, steps and sections', () => {
    expect(content.runbooks.map((runbook) => runbook.id).sort()).toEqual([...REQUIRED_RUNBOOKS].sort());
    for (const runbook of content.runbooks) {
      expect(runbook.title).not.toBe('');
      expect(runbook.symptoms.length).toBeGreaterThan(0);
      expect(runbook.steps.length).toBeGreaterThan(0);
      const headings = runbook.sections.map((section) => section.heading);
      expect(headings).toEqual(expect.arrayContaining(['Rollback plan', 'Success criteria']));
    }
    const rollback = content.runbook('deployment-rollback');
    expect(rollback?.related).toContain('recent-deployment-issue');
    expect(rollback?.body).not.toMatch(/^---/);
    expect(content.runbook('nope')).toBeUndefined();
  });

  it('reads steps in order, without the checkbox', () => {
    const first = content.runbook('incident-response')?.steps[0];
    expect(first).toBe('Acknowledge the alert and take the incident commander role');
  });

  it('parses the policy, durations in milliseconds', () => {
    const { policy } = content;
    expect(policy.correlation).toEqual({ strong: 30 * 60_000, possible: 2 * 3_600_000 });
    expect(policy.rollbackTargets).toEqual({ 'blue-green': 120_000, canary: 180_000, rolling: 300_000, direct: 180_000 });
    expect(policy.guard.errorRate).toEqual({ threshold: 0.05, for: 120_000 });
    expect(policy.guard.latencyP95).toEqual({ factor: 2, for: 300_000 });
    expect(policy.guard.healthFailures).toEqual({ threshold: 0.5, for: 60_000 });
    expect(policy.escalation.defaultLevels.map((level) => level.after)).toEqual([0, 1_800_000, 3_600_000]);
    expect(policy.escalation.p0SkipsToLevel).toBe(2);
    expect(policy.postmortem).toEqual({
      dueWithin: 48 * 3_600_000,
      remindAfter: 24 * 3_600_000,
      whenSeverity: ['P0', 'P1'],
      whenLongerThan: 1_800_000,
    });
    expect(policy.quickDiagnosis.map((entry) => entry.pattern)).toEqual([
      'all-endpoints',
      'specific-endpoint',
      'partial-recovery',
      'under-load',
      'after-migration',
    ]);
    expect(policy.notARegression).toHaveLength(4);
    expect(policy.successCriteria[0]).toMatch(/1 %/);
    expect(policy.initialEtaMinutes).toBe(5);
  });

  it('has the four severities and the post-incident checklist', () => {
    expect(Object.values(content.severities).map((s) => [s.id, s.label])).toEqual([
      ['P0', 'Critical'],
      ['P1', 'High'],
      ['P2', 'Medium'],
      ['P3', 'Low'],
    ]);
    const ids = content.postIncidentChecklist.map((item) => item.id);
    expect(ids).toEqual(expect.arrayContaining(['status-page', 'schedule-postmortem', 'action-items']));
  });
});

describe('render', () => {
  const content = loadContent();

  /** A distinct value for every allowed placeholder of a template. */
  function sampleVars(id: keyof typeof TEMPLATES): Record<string, string> {
    return Object.fromEntries(TEMPLATES[id].allowed.map((name) => [name, `<${name}-value>`]));
  }

  it.each(TEMPLATE_IDS)('%s shows every value it is given', (id) => {
    const text = content.render(id, sampleVars(id)).toString();
    // Values are outside text: escaped for mrkdwn, never markup.
    for (const name of TEMPLATES[id].required) expect(text).toContain(`&lt;${name}-value&gt;`);
    expect(text).toBe(text.trim());
    expect(text).not.toMatch(/\{\{|\}\}/);
  });

  it('renders the initial message', () => {
    const text = content.render('slack-initial', {
      service: 'checkout',
      title: '5xx on orders',
      severity: 'P1',
      severityLabel: 'High',
      impact: 'a third of orders fail',
      commander: mention('U123'),
      etaMinutes: 5,
      suspect: 'v1.2.3 (30 min ago)',
    }).toString();
    expect(text).toContain('INCIDENT: checkout — 5xx on orders');
    expect(text).toContain('P1 (High)');
    expect(text).toContain('a third of orders fail');
    expect(text).toContain('<@U123>');
    expect(text).toContain('in 5 min');
    expect(text).toContain('v1.2.3 (30 min ago)');
  });

  it('drops optional sections whose value is undefined, leaving no blank lines', () => {
    const text = content.render('slack-initial', {
      service: 'checkout',
      title: 'slow',
      severity: 'P3',
      impact: 'some',
      commander: 'alice',
      suspect: undefined,
    }).toString();
    expect(text).not.toMatch(/Suspected|Next update|Reported by|\(\)/);
    expect(text).not.toMatch(/\n\s*\n/);
    const update = content.render('slack-update', { service: 's', status: 'Investigating', actionTaken: 'a', nextUpdate: 'n' }).toString();
    expect(update).toContain('not known yet');
    expect(content.render('slack-update', { service: 's', status: 'x', actionTaken: 'a', nextUpdate: 'n', rootCause: 'bad env var' }).toString())
      .not.toContain('not known yet');
  });

  it('escapes outside text for mrkdwn and keeps the markup Firebreak built (mentions, links)', () => {
    const targets = joinMd([mentionTarget('U123'), mentionTarget('S1AB')], ' & ');
    const text = content.render('escalation-channel', { level: 2, targets, reason: 'unresolved after 30 min <!channel>' }).toString();
    expect(text).toBe(':arrow_up: Escalated to level 2: <@U123> & <!subteam^S1AB> — unresolved after 30 min &lt;!channel&gt;');
    const rollback = content.render('rollback-announcement', {
      service: 'checkout',
      fromVersion: 'v1.2.3',
      toVersion: 'v1.2.2',
      reason: 'errors > 5% "fast" & <@U999|boss>',
      status: 'stable',
      incidentLink: link('https://x.test/?a=1&b=2', 'INC-1'),
    }).toString();
    expect(rollback).toContain('v1.2.3 → v1.2.2');
    expect(rollback).toContain('errors &gt; 5% "fast" &amp; &lt;@U999|boss&gt;');
    expect(rollback).toContain('<https://x.test/?a=1&amp;b=2|INC-1>');
  });

  it('leaves mustache’s global HTML escaping alone', () => {
    content.render('announcement', { title: 'a & b', severity: 'P2', channel: '<#C1>' });
    expect(Mustache.render('{{x}}', { x: '<&>' })).toBe('&lt;&amp;&gt;');
  });
});
