import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { startIncidentViaSlack } from '../../helpers/incidents';
import { FORM, postSigned, slashCommand } from '../../helpers/slack';

describe('the one error sink (app.error)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('a command that fails is acknowledged and the person is told why, privately, once', async () => {
    const channel = await startIncidentViaSlack(h);
    const answer = await postSigned(h.url, slashCommand({ text: 'reopen', channel_id: channel }), FORM);
    expect(answer.status).toBe(200);
    await waitFor('the reason, through the response_url', () => h.slack.responses.length > 0);
    expect(h.slack.responses).toHaveLength(1);
    expect(h.slack.responses[0]!.body).toMatchObject({ response_type: 'ephemeral', text: 'Could not do that: incident INC-1 is still open' });
  });
});
