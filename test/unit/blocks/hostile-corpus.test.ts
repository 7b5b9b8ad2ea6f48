import { alertCard, incidentAlertsMessage, type AlertCounts } from '../../../src/blocks/alert-card';
import { alertTestCard } from '../../../src/blocks/alert-test-card';
import { drillListText, drillReminderMessage, drillReportMessage, drillScenarioMessage, drillStepsMessage, dryRunMessage, lastTestedLine } from '../../../src/blocks/drill';
import {
  acknowledgedMessage,
  acknowledgeReplyText,
  escalateReplyText,
  escalationChannelMessage,
  escalationDirectMessage,
  postmortemMessage,
  updateReminderMessage,
} from '../../../src/blocks/escalation';
import { guardIncidentReport, guardProblemMessage, guardProposalMessage, guardRollbackReport } from '../../../src/blocks/guard';
import {
  announcementMessage,
  checklistMessage,
  initialMessage,
  listText,
  resolutionMessage,
  statusText,
  timelineText,
  updateMessage,
  type RenderTemplate,
} from '../../../src/blocks/incident-messages';
import { resolveIncidentModal, startIncidentModal, updateIncidentModal } from '../../../src/blocks/incident-modals';
import { channelLink, link, md, mention, mentionTarget, text, type Mrkdwn } from '../../../src/blocks/mrkdwn';
import { handoffMessage, onCallBoardText, overrideReplyText, pagerdutyFailureMessage, staleScheduleMessage } from '../../../src/blocks/oncall';
import { remediationButtons } from '../../../src/blocks/remediation';
import { alreadyStartedText, failureMessage, refusedText, remediationStatusMessage, verificationMessage } from '../../../src/blocks/remediation-status';
import { slackMessage, textBlocks } from '../../../src/blocks/text';
import { loadContent, TEMPLATE_IDS, TEMPLATES } from '../../../src/content';
import type { AlertState } from '../../../src/domain/alerts/model';
import type { Suspect, Verdict } from '../../../src/domain/correlation';
import type { Deploy } from '../../../src/domain/deploys/model';
import type { DrillScenario, RunbookTest } from '../../../src/domain/drills/model';
import type { LevelNotice } from '../../../src/domain/escalation/model';
import type { Breach, GuardWindow, Problem } from '../../../src/domain/guard/model';
import type { Incident, TimelineEntry } from '../../../src/domain/incidents/model';
import type { ActionRecord } from '../../../src/domain/remediation/model';
import { markupProblems, messageProblems, slackProblems, type Vouched } from './slack-checks';

/** Strings a webhook, the config or a person may send. */
const HOSTILE = [
  '<!channel>',
  '<!here> now',
  '<!everyone>',
  '<@U0EVIL>',
  '<@U0EVIL|boss>',
  '<#C0EVIL>',
  '<!subteam^S0EVIL>',
  '<http://evil.test|click me>',
  '<https://evil.test>',
  '<mailto:x@evil.test|mail>',
  '&lt;@U0TRICK&gt; &amp;lt;!here&amp;gt;',
  '&#60;!channel&#62;',
  '<<!channel>>',
  '<!date^1392734382^{date}|x>',
  '`code` ```block``` <!channel>',
  '*bold* _it_ ~strike~ >quote',
  'a > b < c & d',
  '\u0000\u0007\u001b[31mred\u001b[0m\r\n<!here>',
  '\u202Egnp.exe\u200B\u200D\u2066<!channel>\u2069',
  'x|<!channel>',
  'javascript:alert(1)',
  'http://evil.test/a|<!channel>>',
  `${'<!channel>'.repeat(400)}`,
  `${'&'.repeat(3000)}${'x'.repeat(9000)}`,
  '😀'.repeat(2000),
];

/** Ids Firebreak validated (config, Slack's own payloads): mentions of these are expected. */
const VOUCHED: Vouched = { users: ['U0IC', 'U0REP', 'U0RESP1', 'U0LEAD'], channels: ['C0INC'], groups: ['S0LEADS'] };

const content = loadContent();
const render: RenderTemplate = (id, vars) => content.render(id as Parameters<typeof content.render>[0], vars);
const T0 = Date.parse('2026-11-22T10:00:00Z');

function drill(h: string): DrillScenario {
  return {
    id: 'bad-deploy', title: h, summary: h, runbook: 'recent-deployment-issue', service: h, severity: 'P1', participants: [],
    deploy: { version: h, previousVersion: h, strategy: 'canary', minutesBeforeAlert: 5, changes: { config: false, dependencies: false, migrations: [h], flags: [{ key: h, enabled: true }] } },
    alerts: [{ name: h, severity: 'critical', summary: h, service: h, labels: { [h]: h } }],
    targets: {},
  };
}

const drillIncident = (h: string): Incident => ({ ...incident(h), drill: { scenario: 'bad-deploy', runbook: 'recent-deployment-issue', service: h, participants: [] } });

function runbookTest(h: string): RunbookTest {
  const at = new Date(T0).toISOString();
  return { runbook: h, scenario: h, incidentId: 'INC-4', at, by: 'U0IC', result: 'passed', missed: [], skippedSteps: 0, nextDueAt: at, reminderJobId: h };
}

function incident(h: string): Incident {
  return {
    id: 'INC-4', number: 4, title: h, severity: 'P1', service: h, impact: h, status: 'open', workStatus: 'Investigating',
    reporterId: 'U0REP', commanderId: 'U0IC', createdAt: new Date(T0).toISOString(), updateCount: 1, revision: 1,
    channelName: h, channelId: 'C0INC', rootCause: h, userImpact: h, followUp: h,
    origin: { alertFingerprint: h, alertName: h, verdict: h, suspectDeployId: h },
    publication: { invited: true, topicSet: true, pinned: true },
  } as Incident;
}

function deploy(h: string): Deploy {
  return {
    id: h, service: h, environment: h, version: h, previousVersion: h, strategy: 'canary', status: 'succeeded',
    timestamp: new Date(T0).toISOString(), commit: h, url: h, actor: h, source: 'generic',
    changes: { config: true, dependencies: true, migrations: [h], flags: [{ key: h, enabled: true }, { key: `${h}2`, enabled: true }] },
  };
}

function alert(h: string): AlertState {
  return {
    fingerprint: h, source: 'generic', service: h, environment: h, name: h, severity: h, status: 'firing', state: 'firing',
    startsAt: new Date(T0 + 600_000).toISOString(), summary: h, labels: { [h]: h, endpoint: h }, value: 0.07, url: h,
    firstSeen: new Date(T0).toISOString(), lastSeen: new Date(T0).toISOString(), count: 1,
  };
}

function verdict(h: string): Verdict {
  const suspect: Suspect = {
    deploy: deploy(h), strength: 'strong', ageMs: 600_000, viaDependency: h,
    changes: { config: true, dependencies: true, migrations: [h], flagsEnabled: [h], flagsDisabled: [h], text: h },
  };
  return { kind: 'strong', suspects: [suspect, suspect], top: suspect, diagnosis: [{ pattern: h, reading: h, likelyCause: h }], advice: [h] };
}

const counts = (h: string): AlertCounts => ({ firing: 3, resolved: 1, byName: { [h]: { firing: 3, resolved: 1 }, [`${h}b`]: { firing: 1, resolved: 0 } } });

function window(h: string): GuardWindow {
  return {
    deployId: h, service: h, environment: h, version: h, previousVersion: h, mode: 'propose', deployedAt: T0, startedAt: T0,
    endsAt: T0 + 1_800_000, state: 'watching', tick: 3, breaches: [], problems: [],
  } as GuardWindow;
}
const breach: Breach = { signal: 'errorRate', value: 0.07, limit: 0.05, since: T0 + 60_000, at: T0 + 180_000, forMs: 120_000 };
const problems = (h: string): Problem[] => [{ signal: 'errorRate', kind: 'unreachable', since: T0, detail: h } as unknown as Problem, { signal: 'latencyP95', kind: 'no-baseline', since: T0, detail: h } as unknown as Problem];

function record(h: string, kind: 'rollback' | 'disable-flag', state: ActionRecord['progress']['state']): ActionRecord {
  return {
    spec: {
      id: 'rollback-incident-INC-7-dep-42', run: 1, kind, service: h, environment: h, deployId: h, fromVersion: h, toVersion: h,
      strategy: 'canary', flagKey: h, context: { kind: 'incident', id: h }, incidentId: h, actor: 'U0RESP1',
      requestedAt: new Date(T0).toISOString(), reason: h, thread: { channel: 'C0INC', threadTs: '1.2' }, retry: { attempts: 3, backoffMs: 2000 },
    },
    progress: {
      state, attempt: 2, error: h, errorDetail: h, result: h, nextRetryAt: new Date(T0).toISOString(), finishedAt: new Date(T0 + 90_000).toISOString(),
      verification: { passed: false, checks: [{ url: h, ok: false, error: h }, { url: h, ok: true, status: 200 }] },
    },
  } as ActionRecord;
}

const notice = (h: string, reason: LevelNotice['reason'] = { kind: 'manual', by: h }): LevelNotice => ({
  incident: incident(h),
  level: { level: 2, after: 1_800_000, notify: ['U0LEAD', 'S0LEADS', h], role: h },
  epoch: 3,
  round: 1,
  reason,
  latestUpdate: h,
  now: new Date(T0 + 1_800_000),
});

type Built = { text: string; blocks: unknown[] } | Mrkdwn | object;

/** Every block builder and text builder, fed the hostile string in every outside field. */
const BUILDERS: Record<string, (h: string) => Built> = {
  alertCard: (h) => alertCard({ alert: alert(h), verdict: verdict(h), counts: counts(h), rollbackTargets: { canary: 180_000 } }),
  'alertCard (not a regression)': (h) => alertCard({ alert: alert(h), verdict: { kind: 'none', suspects: [], diagnosis: [], advice: [h] }, counts: counts(h), rollbackTargets: {} }),
  incidentAlertsMessage: (h) => incidentAlertsMessage(h, counts(h)),
  initialMessage: (h) => initialMessage(incident(h), render, { label: h, definition: h }, 5),
  announcementMessage: (h) => announcementMessage(incident(h), render),
  'announcementMessage (no channel id)': (h) => announcementMessage({ ...incident(h), channelId: undefined }, render),
  updateMessage: (h) => updateMessage(incident(h), { status: 'Identified', rootCause: h, actionTaken: h, nextUpdate: h }, 'U0IC', render),
  resolutionMessage: (h) => resolutionMessage(incident(h), { rootCause: h, userImpact: h, followUp: h }, render),
  checklistMessage: (h) => checklistMessage(incident(h), [{ id: 'a', text: h }, { id: 'confirm-root-cause', text: h }], ['a']),
  statusText: (h) => textBlocks(statusText(incident(h), new Date(T0 + 60_000))),
  listText: (h) => textBlocks(listText([incident(h), { ...incident(h), channelId: undefined }], new Date(T0 + 60_000))),
  timelineText: (h) => {
    const entries: TimelineEntry[] = Array.from({ length: 60 }, (_, i) => ({ at: new Date(T0 + i * 1000).toISOString(), actor: i % 2 ? 'U0IC' : h, kind: h, text: h }));
    return textBlocks(timelineText(incident(h), entries));
  },
  escalationDirectMessage: (h) => escalationDirectMessage(notice(h), render),
  'escalationDirectMessage (elapsed)': (h) => escalationDirectMessage({ ...notice(h, { kind: 'elapsed', after: 1_800_000 }), round: 0 }, render),
  escalationChannelMessage: (h) => escalationChannelMessage(notice(h), render),
  acknowledgedMessage: (h) => acknowledgedMessage(2, { by: h, at: new Date(T0).toISOString() }),
  updateReminderMessage: (h) => updateReminderMessage({ incident: incident(h), silentFor: 1_260_000, interval: 1_200_000, epoch: 0 }, render),
  postmortemMessage: (h) => postmortemMessage({ incident: { ...incident(h), channelId: undefined }, kind: 'announcement', dueAt: new Date(T0 + 86_400_000) }, render),
  acknowledgeReplyText: (h) => slackMessage(acknowledgeReplyText({ kind: 'already', level: 2, ack: { by: h, at: '' } }, h)),
  escalateReplyText: (h) => slackMessage(escalateReplyText({ kind: 'escalating', level: notice(h).level }, h)),
  guardProposalMessage: (h) => guardProposalMessage({ window: window(h), deploy: deploy(h), breaches: [breach, breach] }, { kind: 'button' }, { canary: 180_000 }),
  'guardProposalMessage (unavailable)': (h) => guardProposalMessage({ window: window(h), deploy: deploy(h), breaches: [breach] }, { kind: 'unavailable', reason: h }, {}),
  guardRollbackReport: (h) => guardRollbackReport({ window: window(h), deploy: deploy(h), breaches: [breach], incidentId: h, severity: h, outcome: { kind: 'not-started', reason: h } }),
  'guardRollbackReport (already)': (h) => guardRollbackReport({ window: window(h), deploy: deploy(h), breaches: [breach], severity: h, outcome: { kind: 'already', by: h } }),
  guardIncidentReport: (h) => guardIncidentReport({ window: window(h), deploy: deploy(h), breaches: [breach], severity: h, outcome: { kind: 'queued' }, rollbackThread: { channel: h, ts: '1.2' } }),
  guardProblemMessage: (h) => guardProblemMessage(window(h), problems(h), h),
  remediationButtons: (h) => ({ blocks: [remediationButtons(deploy(h), { kind: 'incident', id: h }, { rollbackTargetText: h })] }),
  remediationStatusMessage: (h) => remediationStatusMessage(record(h, 'rollback', 'retrying'), new Date(T0 + 60_000), 180_000),
  'remediationStatusMessage (flag, failed)': (h) => remediationStatusMessage(record(h, 'disable-flag', 'failed'), new Date(T0 + 60_000), undefined),
  verificationMessage: (h) => verificationMessage(record(h, 'rollback', 'succeeded'), [h]),
  failureMessage: (h) => failureMessage(record(h, 'rollback', 'failed'), { level: 2, targets: ['U0LEAD', h], role: h }, true),
  'failureMessage (flag)': (h) => failureMessage(record(h, 'disable-flag', 'failed'), { level: 2, targets: [h], role: h }, false),
  alreadyStartedText: (h) => slackMessage(alreadyStartedText(record(h, 'disable-flag', 'failed'), true)),
  refusedText: (h) => slackMessage(refusedText(h, ['U0RESP1', 'S0LEADS', h])),
  onCallBoardText: (h) =>
    textBlocks(
      onCallBoardText(
        {
          rotations: [
            { rotation: h, userId: 'U0IC', until: new Date(T0 + 86_400_000), next: h },
            { rotation: h, userId: h, override: { rotation: h, userId: h, from: new Date(T0).toISOString(), until: new Date(T0).toISOString(), by: h, at: new Date(T0).toISOString() } },
          ],
          external: [
            { target: `pagerduty:${h}`, users: ['U0LEAD', h], until: new Date(T0 + 3_600_000).toISOString() },
            { target: h, users: [], stale: { error: h } },
          ],
        } as never,
        new Date(T0),
      ),
    ),
  overrideReplyText: (h) => slackMessage(overrideReplyText(h, h, new Date(T0))),
  handoffMessage: (h) => handoffMessage({ rotation: h, at: new Date(T0), from: h, to: 'U0IC' } as never),
  staleScheduleMessage: (h) => staleScheduleMessage({ target: `opsgenie:${h}`, error: h, knownAt: new Date(T0).toISOString() } as never),
  pagerdutyFailureMessage: (h) => pagerdutyFailureMessage(incident(h), h, h),
  startIncidentModal: (h) =>
    startIncidentModal({
      title: h, impact: h, services: [h, `${h}2`], service: h, reporterId: 'U0REP',
      severities: Object.fromEntries(['P0', 'P1', 'P2', 'P3'].map((id) => [id, { label: h, definition: h }])) as never,
      metadata: { channelId: 'C0INC', origin: { alertFingerprint: h, alertName: h, verdict: h, suspectDeployId: h } },
    }),
  alertTestCard: (h) => alertTestCard({ ...alert(h), source: h } as AlertState),
  drillScenarioMessage: (h) => drillScenarioMessage(drillIncident(h), drill(h)),
  drillStepsMessage: (h) => drillStepsMessage(drillIncident(h), h, [h, h], ['1']),
  dryRunMessage: (h) => dryRunMessage(drillIncident(h), h, JSON.stringify({ url: h, flag: h }), 'U0RESP1'),
  drillReportMessage: (h) =>
    drillReportMessage(drillIncident(h), drill(h), { figures: [{ name: 'acknowledge', took: 60_000, target: 300_000, met: true }, { name: 'resolve', target: 1_800_000, met: false }], skippedSteps: [h, h], missed: ['resolve'], result: 'missed targets' } as never, new Date(T0).toISOString()),
  drillListText: (h) => slackMessage(drillListText([drill(h), drill(`${h}2`)])),
  lastTestedLine: (h) => slackMessage(lastTestedLine(h, runbookTest(h))),
  drillReminderMessage: (h) => drillReminderMessage(runbookTest(h)),
  updateIncidentModal: (h) => updateIncidentModal(incident(h)),
  resolveIncidentModal: (h) => resolveIncidentModal(incident(h)),
};

function problemsOf(name: string, built: Built): string[] {
  if (built instanceof Object && 'blocks' in built && 'text' in built) return messageProblems(built as { text: string; blocks: unknown[] }, VOUCHED, name);
  return slackProblems(built, VOUCHED, name);
}

describe('hostile text through every block builder', () => {
  it.each(Object.keys(BUILDERS))('%s: no markup from outside text, nothing over Slack limits', (name) => {
    const problems = HOSTILE.flatMap((h, index) => problemsOf(`${name}#${index}`, BUILDERS[name]!(h)));
    expect(problems).toEqual([]);
  });

  it('a hostile string still reads as itself (escaped, not dropped)', () => {
    const card = alertCard({ alert: alert('<!channel> & co'), verdict: verdict('<@U0EVIL>'), counts: counts('x'), rollbackTargets: {} });
    expect(JSON.stringify(card)).toContain('&lt;!channel&gt; &amp; co');
    expect(JSON.stringify(card)).toContain('&lt;@U0EVIL&gt;');
  });

  it('the checker itself finds unescaped markup and broken limits', () => {
    expect(markupProblems('hi <!channel>', VOUCHED, 'x')).toHaveLength(1);
    expect(markupProblems('hi <@U0EVIL>', VOUCHED, 'x')).toHaveLength(1);
    expect(markupProblems('a & b', VOUCHED, 'x')).toHaveLength(1);
    expect(markupProblems('hi <@U0IC> in <#C0INC> <https://x.test/a|deploy> &amp; &lt;', VOUCHED, 'x')).toEqual([]);
    expect(slackProblems({ blocks: [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'x'.repeat(76) }, value: 'v'.repeat(2001) }] }] }, VOUCHED, 'x')).toHaveLength(2);
  });
});

describe('hostile text through every runbook-content template', () => {
  it.each(TEMPLATE_IDS)('%s escapes every value', (id) => {
    for (const h of HOSTILE) {
      const vars = Object.fromEntries(TEMPLATES[id].allowed.map((name) => [name, h]));
      const rendered = content.render(id, vars).toString();
      expect(markupProblems(rendered, VOUCHED, id)).toEqual([]);
    }
  });

  it('markup Firebreak built goes through as it is', () => {
    const rendered = content.render('announcement', { title: '<!here>', severity: 'P1', channel: channelLink('C0INC'), commander: mention('U0IC') }).toString();
    expect(rendered).toContain('<#C0INC>');
    expect(rendered).toContain('&lt;!here&gt;');
  });
});

describe('the mrkdwn helpers', () => {
  it('mention, channel and link helpers only vouch for what they validated', () => {
    expect(mention('U0IC').toString()).toBe('<@U0IC>');
    expect(mention('<!channel>').toString()).toBe('&lt;!channel&gt;');
    expect(mentionTarget('S0LEADS').toString()).toBe('<!subteam^S0LEADS>');
    expect(mentionTarget('S0> <!here').toString()).toBe('S0&gt; &lt;!here');
    expect(channelLink('#inc-<!here>').toString()).toBe('#inc-&lt;!here&gt;');
    expect(link('https://x.test/a|<!channel>&b=1', 'deploy').toString()).toBe('<https://x.test/a%7C%3C!channel%3E&amp;b=1|deploy>');
    expect(link('javascript:alert(1)', 'deploy').toString()).toBe('deploy');
    expect(link('https://x.test', '<!here>|x').toString()).toBe('<https://x.test/|&lt;!here&gt;¦x>');
  });

  it('md escapes what it interpolates, keeps what is already Mrkdwn', () => {
    expect(md`*${'<!here>'}* by ${mention('U0IC')} (${3})`.toString()).toBe('*&lt;!here&gt;* by <@U0IC> (3)');
    expect(text('a & b').toString()).toBe('a &amp; b');
  });
});
