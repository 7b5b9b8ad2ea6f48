import nock from 'nock';
import { REMEDIATION_ACTIONS } from '../../../src/blocks/remediation-ids';
import { remediationActionId } from '../../../src/domain/remediation/model';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import {
  actionRecord,
  click,
  clickBody,
  INCIDENT_CHANNEL,
  remediationJobs,
  renderOffer,
  RESPONDER,
  seedDeploy,
  seedIncident,
  serviceConfig,
  settled,
} from '../../helpers/remediation';
import { FORM, postSigned } from '../../helpers/slack';

/**
 * A Rollback / Disable flag button's value is only the id of an offer the server saved when it
 * rendered the button: whatever else comes back is refused and runs nothing.
 */
describe('remediation buttons are references to what the server rendered', () => {
  let h: Harness;
  let deployer: nock.Scope;

  beforeEach(async () => {
    h = await startHarness({ config: serviceConfig() });
    // Any call to the deployer or the flag service would be a failure of these tests.
    deployer = nock('https://deployer.test').post(/.*/).reply(200, {});
  });
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  const ephemerals = () => h.slack.responses.map((r) => String(r.body.text ?? ''));

  async function refused(body: string): Promise<void> {
    const before = h.slack.responses.length;
    expect((await postSigned(h.url, body, FORM)).status).toBe(200);
    await waitFor('ephemeral refusal', () => h.slack.responses.length > before);
    expect(ephemerals().at(-1)).toContain('This button is not one I can act on');
  }

  it('refuses an invented offer, an altered one, the old payload form, and an offer pressed as the other kind; nothing runs', async () => {
    const deploy = await seedDeploy(h);
    const incident = await seedIncident(h);
    const context = { kind: 'incident' as const, id: incident.id };

    // never rendered: an incident id and a flag the server never offered
    await refused(clickBody({ deploy, context: { kind: 'incident', id: 'INC-999' } }));
    await refused(clickBody({ deploy, context, flagKey: 'invented-flag' }));
    // rendered, then altered on the way back
    await renderOffer(h, { deploy, context });
    const genuine = JSON.parse(JSON.parse(decodeURIComponent(new URLSearchParams(clickBody({ deploy, context })).get('payload')!)).actions[0].value) as { offer: string };
    const altered = `${genuine.offer.slice(0, -1)}${genuine.offer.endsWith('0') ? '1' : '0'}`;
    await refused(clickBody({ deploy, context, value: JSON.stringify({ offer: altered }) }));
    // the payload itself (what buttons used to carry) is not a reference
    await refused(clickBody({ deploy, context, value: JSON.stringify({ service: 'checkout', deployId: deploy.id, context }) }));
    await refused(clickBody({ deploy, context, value: 'not json' }));
    // a Rollback offer sent as a Disable flag click
    const asFlag = clickBody({ deploy, context, value: JSON.stringify(genuine) }).replace(encodeURIComponent(`"${REMEDIATION_ACTIONS.rollback}"`), encodeURIComponent(`"${REMEDIATION_ACTIONS.disableFlag}"`));
    await refused(asFlag);

    expect(await remediationJobs(h.prefix)).toEqual([]);
    expect(await actionRecord(h, remediationActionId('rollback', context, deploy.id))).toBeUndefined();
    expect(deployer.isDone()).toBe(false);
    expect(h.slack.called('chat.postMessage')).toEqual([]);
  });

  it('the genuine offer runs (the same click, rendered first)', async () => {
    const deploy = await seedDeploy(h);
    const incident = await seedIncident(h);
    nock('https://checkout.test').get('/health').reply(200).get('/ready').reply(200);
    const context = { kind: 'incident' as const, id: incident.id };
    expect((await click(h, { deploy, context, userId: RESPONDER, channelId: INCIDENT_CHANNEL })).status).toBe(200);
    await settled(h, remediationActionId('rollback', context, deploy.id), 'succeeded');
    expect(deployer.isDone()).toBe(true);
  });
});
