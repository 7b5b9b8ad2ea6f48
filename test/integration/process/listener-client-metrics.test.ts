import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { FORM, postSigned, slashCommand } from '../../helpers/slack';

/** The value of one sample of the exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => present[k] === v)) return Number(match[3]);
  }
  return undefined;
}

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
    const read = async () => (await fetch(`${h.url}/metrics`)).text();
    await waitFor('the call counted', async () => sample(await read(), 'firebreak_slack_api_calls_total', { method: 'views.open', outcome: 'ok' }) === 1);
    expect(sample(await read(), 'firebreak_slack_api_calls_total', { method: 'views.open', outcome: 'rate_limited' })).toBe(1);
  });
});
