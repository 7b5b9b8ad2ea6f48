import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONTENT_DIR, loadContent } from '../../../src/content';
import { ContentError, type Issue } from '../../../src/lib/errors';

/** A fresh copy of the real runbook-content/ to break. */
function copyContent(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-content-'));
  cpSync(DEFAULT_CONTENT_DIR, dir, { recursive: true });
  return dir;
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const target = path.join(dir, file);
  writeFileSync(target, change(readFileSync(target, 'utf8')));
}

/** The issues loadContent reports for `dir`; fails the test when it loads. */
function issuesOf(dir: string): Issue[] {
  try {
    loadContent(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ContentError);
    expect((error as ContentError).code).toBe('content_invalid');
    return (error as ContentError).issues;
  }
  throw new Error('expected loadContent to throw');
}

describe('loadContent on broken content', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyContent();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads an untouched copy', () => {
    expect(loadContent(dir).runbooks).toHaveLength(5);
  });

  it('reports a missing template', () => {
    rmSync(path.join(dir, 'templates/slack-update.md'));
    expect(issuesOf(dir)).toEqual([{ path: 'templates/slack-update.md', message: 'template is missing' }]);
  });

  it('reports a template file that is not in the registry', () => {
    writeFileSync(path.join(dir, 'templates/slack-hello.md'), 'hello {{service}}');
    expect(issuesOf(dir)).toEqual([
      { path: 'templates/slack-hello.md', message: expect.stringContaining('unknown template "slack-hello"') },
    ]);
  });

  it('reports an unknown placeholder', () => {
    edit(dir, 'templates/slack-update.md', (text) => `${text}\nby {{whoever}}\n`);
    expect(issuesOf(dir)).toEqual([
      { path: 'templates/slack-update.md', message: expect.stringContaining('unknown placeholder {{whoever}}') },
    ]);
  });

  it('reports a missing required placeholder', () => {
    edit(dir, 'templates/slack-resolution.md', (text) => text.replaceAll('{{userImpact}}', 'some users'));
    expect(issuesOf(dir)).toEqual([{ path: 'templates/slack-resolution.md', message: 'missing placeholder {{userImpact}}' }]);
  });

  it('reports a bad policy value by its key', () => {
    edit(dir, 'policy.yaml', (text) => text.replace('above: 0.05', 'above: "lots"'));
    expect(issuesOf(dir)).toEqual([
      { path: 'policy.yaml: rollbackTriggers.default.act.errorRate.above', message: expect.stringMatching(/expected number/i) },
    ]);
  });

  it('reports a bad duration by its key', () => {
    edit(dir, 'policy.yaml', (text) => text.replace('renotifyEvery: 15m', 'renotifyEvery: soon'));
    expect(issuesOf(dir)).toEqual([
      { path: 'policy.yaml: escalation.renotifyEvery', message: '"soon" is not a duration; use e.g. 30s, 20m, 2h' },
    ]);
  });

  it('reports invalid YAML with its line', () => {
    writeFileSync(path.join(dir, 'severities.yaml'), 'P0: [unclosed\nP1: x\n');
    const issues = issuesOf(dir);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue).toEqual({ path: 'severities.yaml', message: expect.stringMatching(/^invalid YAML: .*line \d+/) });
    }
  });

  it('reports schema mismatches in severities and the checklist', () => {
    edit(dir, 'severities.yaml', (text) => text.replace('label: Low', 'labl: Low'));
    edit(dir, 'checklists/post-incident.yaml', (text) => text.replace('id: final-update', 'id: status-page'));
    const paths = issuesOf(dir).map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['severities.yaml: P3', 'severities.yaml: P3.label', 'checklists/post-incident.yaml: 1.id']),
    );
  });

  it('reports a runbook whose id does not match its file, bad front matter and a missing runbook', () => {
    edit(dir, 'runbooks/deployment.md', (text) => text.replace('id: deployment', 'id: deploy'));
    edit(dir, 'runbooks/incident-response.md', (text) => text.replace(/^whenToUse: .*$/m, ''));
    rmSync(path.join(dir, 'runbooks/high-error-rate-after-deploy.md'));
    expect(issuesOf(dir)).toEqual(
      expect.arrayContaining([
        { path: 'runbooks/deployment.md: id', message: 'id "deploy" does not match the file name "deployment"' },
        { path: 'runbooks/incident-response.md: whenToUse', message: expect.any(String) },
        { path: 'runbooks/high-error-rate-after-deploy.md', message: 'runbook is missing' },
        { path: 'runbooks/recent-deployment-issue.md: related', message: 'related runbook "high-error-rate-after-deploy" does not exist' },
      ]),
    );
  });

  it('reports a runbook without front matter or without its required sections', () => {
    edit(dir, 'runbooks/deployment.md', (text) => text.replace(/^---[\s\S]*?\n---\n/, ''));
    edit(dir, 'runbooks/deployment-rollback.md', (text) => text.replace('## Success criteria', '## Results'));
    expect(issuesOf(dir)).toEqual([
      { path: 'runbooks/deployment.md', message: expect.stringContaining('missing front matter') },
      { path: 'runbooks/deployment-rollback.md', message: 'missing section "## Success criteria"' },
    ]);
  });

  it('reports every problem at once, and names them all in the message', () => {
    rmSync(path.join(dir, 'templates/announcement.md'));
    writeFileSync(path.join(dir, 'templates/bogus.md'), 'x');
    edit(dir, 'templates/escalation-dm.md', (text) => `${text}{{mood}}`);
    edit(dir, 'policy.yaml', (text) => text.replace('above: 0.05', 'above: "lots"').replace('strong: 30m', 'strong: 30 minutes'));
    rmSync(path.join(dir, 'checklists/post-incident.yaml'));

    const expected = [
      'templates/announcement.md',
      'templates/bogus.md',
      'templates/escalation-dm.md',
      'policy.yaml: rollbackTriggers.default.act.errorRate.above',
      'policy.yaml: correlation.strong',
      'checklists/post-incident.yaml',
    ];
    expect(issuesOf(dir).map((issue) => issue.path).sort()).toEqual([...expected].sort());
    expect(() => loadContent(dir)).toThrow(/templates\/bogus\.md: unknown template[\s\S]*policy\.yaml: correlation\.strong/);
  });
});
