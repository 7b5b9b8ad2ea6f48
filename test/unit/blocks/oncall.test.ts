import { handoffMessage, onCallBoardText, pagerdutyFailureMessage, staleScheduleMessage } from '../../../src/blocks/oncall';
import type { Incident } from '../../../src/domain/incidents/model';

const NOW = new Date(Date.UTC(2030, 0, 7, 9)); // injected

describe('on-call blocks', () => {
  it('the board: each rotation with until and next, an override named, external schedules, outside text escaped', () => {
    const text = onCallBoardText(
      {
        rotations: [
          { rotation: 'payments<primary>', userId: 'U0BOB00001', until: new Date(NOW.getTime() + 2 * 86_400_000), next: 'U0CAROL001' },
          {
            rotation: 'solo',
            userId: 'U0DAVE0001',
            override: { rotation: 'solo', userId: 'U0DAVE0001', from: NOW.toISOString(), until: NOW.toISOString(), by: 'U0LEAD', at: NOW.toISOString() },
          },
        ],
        external: [
          { target: 'pagerduty:PSCHED01', users: ['U0PD000001'], until: new Date(NOW.getTime() + 3_600_000).toISOString() },
          { target: 'opsgenie:Platform & Co', users: [], stale: { error: 'Opsgenie: answered <HTTP 503>' } },
        ],
      },
      NOW,
    );
    expect(text.toString().split('\n')).toEqual([
      '*Who is on call*',
      `• *payments&lt;primary&gt;*: <@U0BOB00001> until <!date^${NOW.getTime() / 1000 + 2 * 86_400}^{date_short_pretty} {time}|2030-01-09T09:00:00Z> (2 days), then <@U0CAROL001>`,
      '• *solo*: <@U0DAVE0001> (override by <@U0LEAD>), no handoff ahead',
      `• *PagerDuty schedule PSCHED01*: <@U0PD000001> until <!date^${NOW.getTime() / 1000 + 3600}^{date_short_pretty} {time}|2030-01-07T10:00:00Z> (1 hour)`,
      '• *Opsgenie schedule Platform &amp; Co*: nobody found in Slack — :warning: could not be asked (Opsgenie: answered &lt;HTTP 503&gt;), last known answer',
    ]);
    expect(onCallBoardText({ rotations: [], external: [] }, NOW).toString()).toContain('No rotations are configured');
  });

  it('handoff, stale schedule and PagerDuty failure lines', () => {
    expect(handoffMessage({ rotation: 'primary', at: NOW, from: 'U0ALICE001', to: 'U0BOB00001' }).text).toBe(
      ':arrows_counterclockwise: On-call handoff in *primary*: <@U0BOB00001> is now on call (was <@U0ALICE001>).',
    );
    expect(staleScheduleMessage({ target: 'opsgenie:ops', error: 'Opsgenie: unreachable (<boom>)' }).text).toBe(
      ':warning: Opsgenie schedule `ops` could not be asked (Opsgenie: unreachable (&lt;boom&gt;)); there is no earlier answer, so nobody was paged from it.',
    );
    const incident = { id: 'INC-3' } as Incident;
    expect(pagerdutyFailureMessage(incident, 'acknowledge', 'HTTP 400: <invalid>').text).toBe(
      ':warning: PagerDuty could not be told to acknowledge the alert of INC-3 (HTTP 400: &lt;invalid&gt;). Do it in PagerDuty by hand.',
    );
  });
});
