import { startHarness, type Harness } from '../../helpers/harness';
import { INCIDENT_CHANNEL, seedDeploy, seedIncident, serviceConfig } from '../../helpers/remediation';
import { FORM, postSigned, slashCommand } from '../../helpers/slack';

/** A weekly rotation whose first turn (Alice's) began an hour ago, relative to the real now. */
function config(): string {
  const start = new Date(Date.now() - 3_600_000).toISOString();
  return `${serviceConfig({ responders: ['rotation:checkout-primary'] })}
oncall:
  rotations:
    checkout-primary:
      members: [U0ALICE001, U0BOB00001]
      start: "${start}"
      length: 1w
`;
}

const command = (h: Harness, text: string, userId: string, channelId = INCIDENT_CHANNEL) =>
  postSigned(h.url, slashCommand({ text, channel_id: channelId, user_id: userId }), FORM).then((answer) => JSON.stringify(answer.json));

describe('rotation responders', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('only whoever is on call at the click may roll back; an override hands that over', async () => {
    h = await startHarness({ config: config() });
    await seedDeploy(h);
    await seedIncident(h);

    expect(await command(h, 'rollback', 'U0ALICE001')).toContain('Roll *checkout* back');
    const refused = await command(h, 'rollback', 'U0BOB00001');
    expect(refused).toContain("only checkout's responders may roll it back: `rotation:checkout-primary`");

    expect(await command(h, 'oncall override checkout-primary <@U0BOB00001> 2h', 'U0ALICE001', 'C0ELSEWHERE')).toContain('<@U0BOB00001> is on call');
    expect(await command(h, 'rollback', 'U0BOB00001')).toContain('Roll *checkout* back');
    expect(await command(h, 'rollback', 'U0ALICE001')).toContain("only checkout's responders may roll it back");
  });
});
