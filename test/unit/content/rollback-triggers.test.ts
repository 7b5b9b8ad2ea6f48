import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfigText } from '../../../src/config/file';
import { DEFAULT_CONTENT_DIR, loadContent } from '../../../src/content';
import { ConfigError, ContentError, type Issue } from '../../../src/lib/errors';

/** policy.yaml rollbackTriggers and the deploy channel keys: what ships, and bad values named by key at start. */

function policyIssues(change: (text: string) => string): Issue[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-triggers-'));
  try {
    cpSync(DEFAULT_CONTENT_DIR, dir, { recursive: true });
    const file = path.join(dir, 'policy.yaml');
    writeFileSync(file, change(readFileSync(file, 'utf8')));
    loadContent(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ContentError);
    return (error as ContentError).issues;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('expected loadContent to throw');
}

describe('policy.yaml rollbackTriggers', () => {
  it('ships both runbooks’ triggers: the contract’s act numbers, the deployment runbook’s warn bounds and canary bounds, human-only triggers', () => {
    const { policy } = loadContent();
    expect(policy.rollbackTriggers.default.act).toEqual({
      errorRate: { above: 0.05, for: 120_000 },
      latencyP95: { factor: 2, for: 300_000 },
      healthFailures: { above: 0.5, for: 60_000 },
    });
    expect(policy.rollbackTriggers.default.warn).toEqual({ errorRate: { above: 0.01, for: 120_000 }, latencyP95: { factor: 1.5, for: 300_000 } });
    expect(policy.rollbackTriggers.strategies.canary?.warn).toEqual({ errorRate: { overBaseline: 0.01, for: 120_000 }, latencyP95: { factor: 1.1, for: 300_000 } });
    expect(policy.rollbackTriggers.humanOnly).toEqual(['data looks corrupt', 'a security hole shipped', 'a critical feature is broken']);
    // Read by the cards' "roll back first" rule and the guard's defaults: derived from act, not written twice.
    expect(policy.guard).toEqual({ window: 1_800_000, errorRate: { threshold: 0.05, for: 120_000 }, latencyP95: { factor: 2, for: 300_000 }, healthFailures: { threshold: 0.5, for: 60_000 } });
  });

  it('names the key of a bad value', () => {
    expect(policyIssues((t) => t.replace('latencyP95: { factor: 2, for: 5m }', 'latencyP95: { factor: -2, for: 5m }'))).toEqual([
      { path: 'policy.yaml: rollbackTriggers.default.act.latencyP95.factor', message: 'a factor of the baseline, e.g. 2' },
    ]);
    expect(policyIssues((t) => t.replace('errorRate: { above: 0.01, for: 2m }', 'errorRate: { above: 1.5, for: 2m }'))).toEqual([
      { path: 'policy.yaml: rollbackTriggers.default.warn.errorRate.above', message: 'a ratio between 0 and 1, e.g. 0.05' },
    ]);
    expect(policyIssues((t) => t.replace('errorRate: { above: 0.05, for: 2m }', 'errorRate: { overBaseline: 0.01, for: 2m }'))).toEqual([
      { path: 'policy.yaml: rollbackTriggers.default.act.errorRate.overBaseline', message: 'the act level is absolute (above); bounds over the baseline belong under warn' },
    ]);
    expect(policyIssues((t) => t.replace('errorRate: { above: 0.01, for: 2m }', 'errorRate: { above: 0.01, overBaseline: 0.01, for: 2m }'))).toEqual([
      { path: 'policy.yaml: rollbackTriggers.default.warn.errorRate', message: 'set either above (a ratio, e.g. 0.05) or overBaseline (points over the baseline, e.g. 0.01)' },
    ]);
    expect(policyIssues((t) => t.replace('  canary:\n      warn:', '  yolo:\n      warn:'))).toEqual([
      { path: 'policy.yaml: rollbackTriggers.strategies', message: expect.stringMatching(/yolo/) },
    ]);
    expect(policyIssues((t) => t.replace('errorRate: { above: 0.05, for: 2m }', 'errorRate: { above: 0.05, for: soon }'))).toEqual([
      { path: 'policy.yaml: rollbackTriggers.default.act.errorRate.for', message: '"soon" is not a duration; use e.g. 30s, 20m, 2h' },
    ]);
  });

  it('an older policy with thresholds under guard is told where they moved', () => {
    expect(policyIssues((t) => t.replace('guard:\n  window: 30m', 'guard:\n  window: 30m\n  errorRate: { threshold: 0.05, for: 2m }'))).toEqual([
      { path: 'policy.yaml: guard.errorRate', message: 'moved to rollbackTriggers.default.act.errorRate (one place for every rollback trigger)' },
    ]);
  });
});

describe('deploy channel config', () => {
  it('takes a service’s deployChannel and a default deployAnnouncements', () => {
    const config = parseConfigText('deployAnnouncements: "#deploys"\nservices:\n  checkout: { channel: "#checkout-alerts", deployChannel: "#checkout-deploys" }\n', 'test', {});
    expect(config.deployAnnouncements).toBe('#deploys');
    expect(config.services.checkout?.deployChannel).toBe('#checkout-deploys');
  });

  it('refuses a bad channel at start, naming the key', () => {
    const run = () => parseConfigText('deployAnnouncements: "deploys!"\nservices:\n  checkout: { channel: "#checkout-alerts", deployChannel: "Checkout Deploys" }\n', 'test', {});
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.path).sort()).toEqual(['deployAnnouncements', 'services.checkout.deployChannel']);
    }
  });
});
