import { parseConfigText } from '../../../src/config/file';
import { parseEnv } from '../../../src/config/env';
import { toRotations } from '../../../src/config/oncall';
import { ConfigError } from '../../../src/lib/errors';

const ONCALL = `
oncall:
  rotations:
    payments-primary:
      members: [U0ALICE001, U0BOB00001, U0CAROL001]
      start: "2026-11-02T09:00:00Z"
      length: 1w
      timezone: Europe/Berlin
services:
  payments:
    channel: "#payments"
    responders: [rotation:payments-primary, S0ONCALL]
    pagerduty: { routingKey: "\${PD_KEY}" }
    escalation:
      - { after: 0m,  notify: [rotation:payments-primary] }
      - { after: 30m, notify: ["pagerduty:PABC123", "opsgenie:Platform Schedule", U0LEAD] }
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

describe('oncall config', () => {
  it('parses rotations, on-call targets and the PagerDuty routing key', () => {
    const config = parseConfigText(ONCALL, 'firebreak.yaml', { PD_KEY: 'R0UTINGKEY' });
    const rotations = toRotations(config.oncall);
    expect(rotations['payments-primary']).toEqual({
      name: 'payments-primary',
      members: ['U0ALICE001', 'U0BOB00001', 'U0CAROL001'],
      start: new Date('2026-11-02T09:00:00Z'),
      length: 7 * 86_400_000,
      timezone: 'Europe/Berlin',
    });
    expect(config.oncall.cacheFor).toBe(60_000);
    expect(config.services.payments!.pagerduty).toEqual({ routingKey: 'R0UTINGKEY' });
    expect(config.services.payments!.escalation![1]!.notify).toEqual(['pagerduty:PABC123', 'opsgenie:Platform Schedule', 'U0LEAD']);
  });

  it('an unknown rotation is a startup error naming the key', () => {
    const text = ONCALL.replace('notify: [rotation:payments-primary]', 'notify: [rotation:payments-secondary]').replace('responders: [rotation:payments-primary', 'responders: [rotation:nope');
    const issues = issuesOf(() => parseConfigText(text, 'firebreak.yaml', { PD_KEY: 'k' }));
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'services.payments.escalation.0.notify.0', message: expect.stringContaining('no rotation "payments-secondary"') },
        { path: 'services.payments.responders.0', message: expect.stringContaining('no rotation "nope"') },
      ]),
    );
  });

  it('bad rotations name each key', () => {
    const text = `
oncall:
  rotations:
    broken:
      members: []
      start: "next monday"
      length: soon
      timezone: Mars/Olympus
`;
    const paths = issuesOf(() => parseConfigText(text, 'firebreak.yaml', {})).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['oncall.rotations.broken.members', 'oncall.rotations.broken.start', 'oncall.rotations.broken.length', 'oncall.rotations.broken.timezone']),
    );
  });

  it('targets other than ids and on-call names are refused', () => {
    const text = `
services:
  payments:
    channel: "#payments"
    responders: ["slack:U0X", "rotation:", "pagerduty:P 1"]
`;
    expect(issuesOf(() => parseConfigText(text, 'firebreak.yaml', {})).map((i) => i.path)).toEqual(['services.payments.responders.0', 'services.payments.responders.1', 'services.payments.responders.2']);
  });

  it('PAGERDUTY_TOKEN and OPSGENIE_TOKEN are read from the environment', () => {
    const env = parseEnv({ PAGERDUTY_TOKEN: 'pd', OPSGENIE_TOKEN: ' ' });
    expect(env.PAGERDUTY_TOKEN).toBe('pd');
    expect(env.OPSGENIE_TOKEN).toBeUndefined();
  });
});
