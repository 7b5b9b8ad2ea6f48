import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONTENT_DIR, loadContent } from '../../../src/content';
import { ContentError } from '../../../src/lib/errors';

describe('runbook-content/drills', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'firebreak-drills-'));
    cpSync(DEFAULT_CONTENT_DIR, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the four scenarios, each tied to a runbook, and a quarterly test interval', () => {
    const content = loadContent(dir);
    expect(content.drills.map((d) => d.id)).toEqual(['bad-deploy', 'dependency-down', 'flag-misconfig', 'latency-regression']);
    for (const drill of content.drills) expect(content.runbook(drill.runbook)).toBeDefined();
    expect(content.policy.drills.testEvery).toBe(90 * 86_400_000);
  });

  it('a broken scenario stops the start with the file, the key and the reason', () => {
    const file = path.join(dir, 'drills', 'bad-deploy.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('runbook: recent-deployment-issue', 'runbook: no-such-runbook').replace('strategy: blue-green', 'strategy: yolo'));
    try {
      loadContent(dir);
      throw new Error('expected loadContent to throw');
    } catch (error) {
      expect(error).toBeInstanceOf(ContentError);
      const issues = (error as ContentError).issues.map((i) => `${i.path} ${i.message}`);
      expect(issues).toEqual(expect.arrayContaining([expect.stringMatching(/^drills\/bad-deploy\.yaml: deploy\.strategy /)]));
    }
  });

  it('a scenario naming an unknown runbook is refused', () => {
    const file = path.join(dir, 'drills', 'flag-misconfig.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('runbook: high-error-rate-after-deploy', 'runbook: no-such-runbook'));
    expect(() => loadContent(dir)).toThrow(/drills\/flag-misconfig\.yaml: runbook.*no runbook "no-such-runbook"/s);
  });
});
