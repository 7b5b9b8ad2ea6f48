import { parseConfigText, loadConfigFile } from '../../../src/config/file';
import { parseEnv } from '../../../src/config/env';
import { ConfigError } from '../../../src/lib/errors';

const VALID = `
announcements: "#incidents"
services:
  checkout:
    channel: "#checkout-alerts"
    runbook: recent-deployment-issue
    dependsOn: [payments]
    responders: [U0RESP1, S0ONCALL]
    escalation:
      - { after: 0m,  notify: [U0ONCALL] }
      - { after: 30m, notify: [U0LEAD] }
      - { after: 60m, notify: [U0CTO] }
    updateEvery: 20m
    rollback: { executor: http, url: "https://deployer.internal/rollback", secret: "\${ROLLBACK_SECRET}" }
    flags:    { provider: http, url: "https://flags.internal/api", token: "\${FLAGS_TOKEN}" }
    guard:    { mode: propose, prometheus: "http://prometheus:9090" }
  payments:
    channel: "#payments"
`;

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('config file', () => {
  it("parses PRODUCT.md's example, substituting ${VAR} and durations", () => {
    const config = parseConfigText(VALID, 'firebreak.yaml', { ROLLBACK_SECRET: 's3cret', FLAGS_TOKEN: 'tok' });
    const checkout = config.services.checkout!;
    expect(checkout.escalation?.map((l) => l.after)).toEqual([0, 30 * 60_000, 60 * 60_000]);
    expect(checkout.updateEvery).toBe(20 * 60_000);
    expect(checkout.rollback).toMatchObject({ executor: 'http', secret: 's3cret' });
    expect(checkout.flags).toMatchObject({ provider: 'http', token: 'tok' });
    expect(config.services.payments?.dependsOn).toEqual([]);
  });

  it('accepts seconds, so tests can escalate in seconds', () => {
    const config = parseConfigText('services: { a: { channel: "#a", escalation: [{ after: 2s, notify: [U0ONCALL] }] } }', 'x', {});
    expect(config.services.a?.escalation?.[0]?.after).toBe(2000);
  });

  it('reports every problem with its path and reason', () => {
    const issues = issuesOf(() =>
      parseConfigText(
        `
announcements: "incidents channel"
services:
  checkout:
    channel: "#checkout"
    dependsOn: [ghost]
    responders: [alice]
    escalation: [{ after: soon, notify: [U0ONCALL] }]
    rollback: { executor: http, secret: "\${MISSING_SECRET}" }
`,
        'firebreak.yaml',
        {},
      ),
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'announcements',
        'services.checkout.dependsOn.0',
        'services.checkout.responders.0',
        'services.checkout.escalation.0.after',
        'services.checkout.rollback.secret',
      ]),
    );
    expect(issues.find((i) => i.path === 'services.checkout.rollback.secret')?.message).toContain('MISSING_SECRET');
    expect(issues.find((i) => i.path === 'services.checkout.escalation.0.after')?.message).toContain('not a duration');
  });

  it('reports YAML syntax errors with the line', () => {
    const issues = issuesOf(() => parseConfigText('services:\n  a: [unclosed\n', 'firebreak.yaml', {}));
    expect(issues[0]?.path).toMatch(/^line \d+/);
  });

  it('requires an explicitly named file to exist, but runs with no services when the default is absent', () => {
    expect(issuesOf(() => loadConfigFile('/nonexistent/firebreak.yaml'))[0]?.path).toBe('FIREBREAK_CONFIG');
    const cwd = process.cwd();
    process.chdir('/tmp');
    try {
      expect(loadConfigFile(undefined)).toMatchObject({ found: false, config: { services: {} } });
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('environment', () => {
  it('defaults everything optional', () => {
    expect(parseEnv({})).toMatchObject({ PORT: 3000, LOG_LEVEL: 'info', HOST: '127.0.0.1' });
  });

  it('names each bad variable', () => {
    const issues = issuesOf(() => parseEnv({ PORT: 'eighty', SLACK_BOT_TOKEN: 'xoxp-user', SLACK_API_URL: 'http://slack.test/api', LOG_LEVEL: 'loud' }));
    expect(issues.map((i) => i.path).sort()).toEqual(['LOG_LEVEL', 'PORT', 'SLACK_API_URL', 'SLACK_BOT_TOKEN']);
  });
});

describe('firebreak.example.yaml', () => {
  it('is a valid config', () => {
    const result = loadConfigFile(`${__dirname}/../../../firebreak.example.yaml`, { ROLLBACK_SECRET: 's', FLAGS_TOKEN: 't', STATUSPAGE_API_KEY: 'k' });
    expect(Object.keys(result.config.services)).toEqual(['checkout', 'payments']);
    expect(result.config.statusPage).toMatchObject({ provider: 'statuspage', apiKey: 'k', components: { checkout: '8kbf7d35c070' } });
  });
});
