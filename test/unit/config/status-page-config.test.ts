import { parseConfigText } from '../../../src/config/file';
import { ConfigError } from '../../../src/lib/errors';

const SERVICES = `
services:
  checkout:
    channel: "#checkout-alerts"
`;

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseConfigText(text, 'firebreak.yaml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('statusPage config', () => {
  it('reads a Statuspage block with the API key from the environment', () => {
    const config = parseConfigText(
      `${SERVICES}statusPage:\n  provider: statuspage\n  pageId: abc123\n  apiKey: "\${STATUSPAGE_API_KEY}"\n  components: { checkout: cmp1 }\n`,
      'firebreak.yaml',
      { STATUSPAGE_API_KEY: 'key-1' },
    );
    expect(config.statusPage).toMatchObject({ provider: 'statuspage', pageId: 'abc123', apiKey: 'key-1', components: { checkout: 'cmp1' }, apiUrl: 'https://api.statuspage.io/v1', title: 'Service status' });
  });

  it('names each missing field of the chosen provider, an unknown service and an unset variable', () => {
    expect(issuesOf(`${SERVICES}statusPage: { provider: statuspage }`)).toEqual(
      expect.arrayContaining([
        { path: 'statusPage.pageId', message: 'required when provider is statuspage' },
        { path: 'statusPage.apiKey', message: 'required when provider is statuspage' },
      ]),
    );
    expect(issuesOf(`${SERVICES}statusPage: { provider: webhook, url: "https://hook.test/x" }`)).toEqual([
      { path: 'statusPage.secret', message: 'required when provider is webhook' },
    ]);
    expect(issuesOf(`${SERVICES}statusPage: { components: { billing: cmp2 }, services: [checkout, search] }`)).toEqual([
      { path: 'statusPage.components.billing', message: '"billing" is not a configured service' },
      { path: 'statusPage.services.1', message: '"search" is not a configured service' },
    ]);
    expect(issuesOf(`${SERVICES}statusPage: { provider: statuspage, pageId: p1, apiKey: "\${NOPE}" }`)).toEqual(
      expect.arrayContaining([{ path: 'statusPage.apiKey', message: 'environment variable NOPE is not set' }]),
    );
    expect(issuesOf(`${SERVICES}statusPage: { provider: pagerduty }`)[0]?.path).toBe('statusPage.provider');
  });

  it('is optional', () => {
    expect(parseConfigText(SERVICES, 'firebreak.yaml', {}).statusPage).toBeUndefined();
  });
});
