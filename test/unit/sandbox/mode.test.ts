import { parseEnv } from '../../../src/config/env';
import { sandboxWanted } from '../../../src/sandbox';

describe('sandboxWanted', () => {
  const env = (vars: Record<string, string>) => parseEnv(vars);
  it('is on without any Slack credential', () => expect(sandboxWanted(env({}))).toBe(true));
  it('is off as soon as one Slack credential is set', () => {
    expect(sandboxWanted(env({ SLACK_BOT_TOKEN: 'xoxb-1' }))).toBe(false);
    expect(sandboxWanted(env({ SLACK_SIGNING_SECRET: 's' }))).toBe(false);
    expect(sandboxWanted(env({ SLACK_APP_TOKEN: 'xapp-1' }))).toBe(false);
  });
  it('FIREBREAK_SANDBOX=1 forces it, 0 refuses it', () => {
    expect(sandboxWanted(env({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', FIREBREAK_SANDBOX: '1' }))).toBe(true);
    expect(sandboxWanted(env({ FIREBREAK_SANDBOX: '0' }))).toBe(false);
  });
  it('names FIREBREAK_SANDBOX when it is neither 0 nor 1', () => {
    expect(() => env({ FIREBREAK_SANDBOX: 'yes' })).toThrow(/FIREBREAK_SANDBOX/);
  });
});
