import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { startIncidentViaSlack } from '../../helpers/incidents';
import { FORM, postSigned, slashCommand } from '../../helpers/slack';

describe('one update cadence from the Initial message to the update form', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('promises and defaults to the service’s updateEvery, else policy.yaml updates.every', async () => {
    h = await startHarness({ config: 'services: { checkout: { channel: "#checkout-alerts", updateEvery: 15m }, payments: { channel: "#payments" } }' });
    const checkout = await startIncidentViaSlack(h, { service: 'checkout', title: 'Checkout down' });
    expect(h.slack.postsTo(checkout)[0]).toContain('*Next update:* in 15 min');
    await postSigned(h.url, slashCommand({ text: 'update', channel_id: checkout }), FORM);
    await waitFor('update modal', () => h.slack.called('views.open').length === 1);
    expect(JSON.stringify(h.slack.called('views.open')[0]!.body.view)).toContain('"initial_value":"in 15 minutes"');

    const payments = await startIncidentViaSlack(h, { service: 'payments', title: 'Payments slow' });
    expect(h.slack.postsTo(payments)[0]).toContain('*Next update:* in 20 min');
  });
});
