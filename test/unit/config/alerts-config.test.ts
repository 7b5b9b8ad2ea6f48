import { parseConfigText } from '../../../src/config/file';
import { ConfigError } from '../../../src/lib/errors';

const issuesOf = (text: string) => {
  try {
    parseConfigText(text, 'test config', {});
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
};

describe('alert routing config', () => {
  it('defaults: service, app, app.kubernetes.io/name; Watchdog and severity none are heartbeats; prod is production', () => {
    const config = parseConfigText('{}', 'test config', {});
    expect(config.alerts.serviceLabels).toEqual(['service', 'app', 'app.kubernetes.io/name']);
    expect(config.alerts.heartbeats).toEqual({ names: ['Watchdog', 'DeadMansSwitch'], severities: ['none'] });
    expect(config.environmentAliases).toEqual({ prod: 'production' });
    expect(config.argocd.applications).toEqual({});
  });

  it('names a catch-all or an Argo CD application that is not a configured service, and a bad test channel', () => {
    const issues = issuesOf(`
alerts: { catchAll: nowhere, testChannel: "not a channel", serviceLabels: [] }
argocd: { applications: { shop-prod: shop } }
services: { checkout: { channel: "#checkout" } }
`);
    expect(issues.map((i) => i.path).sort()).toEqual(['alerts.catchAll', 'alerts.serviceLabels', 'alerts.testChannel', 'argocd.applications.shop-prod']);
  });
});
