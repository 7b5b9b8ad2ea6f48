import nock from 'nock';
import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS } from '../../../src/blocks/ids';
import { startHarness, waitFor } from '../../helpers/harness';
import { FORM, postSigned, selectValue, slashCommand, textValue, viewSubmission } from '../../helpers/slack';

describe('restart', () => {
  it('keeps incidents, timelines and channel bindings across a restart of the bot', async () => {
    const first = await startHarness();
    await postSigned(
      first.url,
      viewSubmission({
        callbackId: INCIDENT_VIEWS.start,
        values: { [B.title]: textValue('Search is down'), [B.severity]: selectValue('P0'), [B.impact]: textValue('No search results') },
      }),
      FORM,
    );
    await waitFor('initial message', () => first.slack.called('pins.add').length === 1);
    await first.app.close();
    nock.cleanAll(); // the new process gets a fresh fake Slack that records only its own calls

    const second = await startHarness({ prefix: first.prefix });
    try {
      const status = await postSigned(second.url, slashCommand({ text: 'status', channel_id: 'C0INC1' }), FORM);
      expect(JSON.stringify(status.json)).toContain('Search is down');
      expect(JSON.stringify(status.json)).toContain('P0');
      const timeline = await postSigned(second.url, slashCommand({ text: 'timeline', channel_id: 'C0INC1' }), FORM);
      expect(JSON.stringify(timeline.json)).toContain('Initial message posted');
      // nothing was re-posted by the new process; it did answer Slack (auth.test) through its fake
      expect(second.slack.called('auth.test').length).toBeGreaterThan(0);
      expect(second.slack.called('chat.postMessage')).toEqual([]);
    } finally {
      await first.redis.quit();
      await second.close();
    }
  });
});
