import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const manifest = parse(readFileSync(path.resolve(__dirname, '../../../manifests/slack-app.yaml'), 'utf8')) as {
  features: { slash_commands: { command: string; should_escape: boolean }[] };
  oauth_config: { scopes: { bot: string[] } };
};

describe('manifests/slack-app.yaml', () => {
  it('/incident is escaped by Slack, so mentions arrive as <@U…|name>', () => {
    expect(manifest.features.slash_commands.find((c) => c.command === '/incident')?.should_escape).toBe(true);
  });

  it('asks for users:read, which resolving a plain @name needs (users.list)', () => {
    expect(manifest.oauth_config.scopes.bot).toContain('users:read');
  });
});
