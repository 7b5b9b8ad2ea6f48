import nock from 'nock';
import { startHarness, waitFor, type Harness } from '../../helpers/harness';
import { FakePrometheus, guardConfig, guardWindow, postDeploy, postsIn, SERVICE_CHANNEL } from './helpers';

const buttonsOf = (blocks: unknown) =>
  ((blocks ?? []) as { type: string; elements?: { type: string; text: { text: string } }[] }[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

describe('deploy guard, a proposal superseded by a newer deploy', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
    nock.cleanAll();
  });

  it('the card says a newer deploy superseded it and loses its Rollback button, once', async () => {
    h = await startHarness({ config: guardConfig('propose') });
    const prometheus = new FakePrometheus();
    const first = await postDeploy(h);
    prometheus.values.errorRate = 0.3;
    await waitFor('the card', () => postsIn(h, SERVICE_CHANNEL).length === 1);
    const card = h.slack.called('chat.postMessage').find((c) => c.body.channel === SERVICE_CHANNEL)!;
    expect(buttonsOf(card.body.blocks).map((b) => b.text.text)).toEqual(['Rollback to v1.2.2']);

    prometheus.values.errorRate = 0;
    await postDeploy(h, { version: 'v1.2.4', previousVersion: 'v1.2.3' });
    await waitFor('the first window superseded', async () => (await guardWindow(h, first))?.state === 'superseded');
    const updates = () => h.slack.called('chat.update').filter((c) => c.body.channel === SERVICE_CHANNEL && JSON.stringify(c.body.blocks).includes('no longer applies'));
    await waitFor('the card updated', () => updates().length === 1);
    const [update] = updates();
    expect(JSON.stringify(update!.body.blocks)).toContain('This proposal no longer applies:* checkout v1.2.4 was deployed since');
    expect(buttonsOf(update!.body.blocks)).toEqual([]);
    const seen = prometheus.evaluations();
    await waitFor('the newer window evaluated', () => prometheus.evaluations() >= seen + 3);
    expect(updates()).toHaveLength(1);
  });
});
