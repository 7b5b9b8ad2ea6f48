import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { FORM, postSigned, slashCommand } from '../../helpers/slack';
import { metricsText, sample } from '../../helpers/metrics';


describe('Slack calls made by Bolt listeners', () => {
  let h: Harness;
  afterEach(() => h.close());

  it("are counted in firebreak_slack_api_calls_total like the app's own client's (429s apart)", async () => {
    h = await startHarness({ config: 'services: { checkout: { channel: "#checkout-alerts" } }' });
    let opened = 0;
    h.slack.on('views.open', () => (opened++ === 0 ? { status: 429, headers: { 'Retry-After': '1' }, ok: false, error: 'ratelimited' } : undefined));
    // `/incident start` opens its modal with the client Bolt hands the listener (one per workspace).
    const answer = await postSigned(h.url, slashCommand({ text: 'start Checkout errors' }), FORM);
    expect(answer.status).toBe(200);
    await waitFor('the modal opened', () => h.slack.called('views.open').length === 2, 15_000);
    const read = () => metricsText(h.url);
    await waitFor('the call counted', async () => sample(await read(), 'firebreak_slack_api_calls_total', { method: 'views.open', outcome: 'ok' }) === 1);
    expect(sample(await read(), 'firebreak_slack_api_calls_total', { method: 'views.open', outcome: 'rate_limited' })).toBe(1);
  });
});
