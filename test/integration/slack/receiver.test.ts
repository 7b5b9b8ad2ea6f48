import { startHarness, type Harness } from '../../helpers/harness';
import { FORM, postSigned } from '../../helpers/slack';
import { isStorageFailure } from '../../../src/inbound/slack/receiver';

/** What /slack/events answers to bodies no listener handles or Bolt cannot read (found by fuzzing: they were 500s). */
describe('/slack/events answers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it.each([
    ['null', 'application/json'],
    ['payload=null', FORM],
    ['{"type":"event_callback","team_id":"T0TEST","event":true}', 'application/json'],
  ])('%s: 400, not 500', async (body, type) => {
    const answer = await postSigned(h.url, body, type);
    expect([answer.status, answer.json]).toEqual([400, { error: 'malformed Slack request' }]);
  });

  it('acknowledges an event no listener handles with 200, and refuses a payload nobody handles with 404, at once', async () => {
    const event = JSON.stringify({ type: 'event_callback', team_id: 'T0TEST', api_app_id: 'A1', event_id: 'Ev9', event: { type: 'reaction_added', user: 'U1' } });
    expect((await postSigned(h.url, event, 'application/json')).status).toBe(200);
    const shortcut = new URLSearchParams({ payload: JSON.stringify({ type: 'shortcut', callback_id: 'nothing', team: { id: 'T0TEST' }, user: { id: 'U1' }, trigger_id: 't-9' }) }).toString();
    const refused = await postSigned(h.url, shortcut, FORM);
    expect([refused.status, refused.json]).toEqual([404, { error: 'nothing handles this request' }]);
  });

  it('treats only Redis failures as storage failures (503)', () => {
    class MaxRetriesPerRequestError extends Error {}
    expect(isStorageFailure(new MaxRetriesPerRequestError('Reached the max retries per request limit'))).toBe(true);
    expect(isStorageFailure(Object.assign(new Error('listener failed'), { original: new Error('connect ECONNREFUSED 127.0.0.1:6379') }))).toBe(true);
    expect(isStorageFailure(new TypeError("Cannot read properties of undefined (reading 'values')"))).toBe(false);
  });
});
