import type { KnownBlock } from '@slack/types';
import type { DrillScenario, RunbookTest } from '../domain/drills/model';
import type { DrillReport } from '../domain/drills/report';
import type { Incident } from '../domain/incidents/model';
import { formatElapsed } from '../lib/human-duration';
import { withDrillBanner } from './drill-banner';
import { utcTime, type SlackMessage } from './incident-messages';
import { code, context, EMPTY, joinMd, md, mention, plain, section, slackMessage, text, truncate, truncateMd, type Mrkdwn } from './text';

/** Action ids of drill messages (dry-run buttons, runbook step ticks). */
export const DRILL_ACTIONS = {
  rollback: 'drill_rollback',
  disableFlag: 'drill_disable_flag',
  stepToggle: 'drill_step_toggle',
} as const;
export const DRILL_STEPS_BLOCK = 'drill_steps_';
const STEPS_PER_BLOCK = 10;

/** A drill button's value: the incident and which of its deploy's enabled flags; looked up again when pressed. */
export interface DrillButtonValue {
  incidentId: string;
  flagIndex?: number;
}

/** The scripted deploy and alerts, as the card a responder would see, with dry-run buttons. */
export function drillScenarioMessage(incident: Incident, drill: DrillScenario): SlackMessage {
  const deploy = drill.deploy;
  const lines: Mrkdwn[] = [md`*Drill: ${drill.title}* (${code(drill.id)}, runbook ${code(drill.runbook)})`, text(drill.summary)];
  if (deploy) {
    const flags = deploy.changes.flags.length > 0 ? md`; flags: ${joinMd(deploy.changes.flags.map((f) => md`${f.key} ${f.enabled ? 'on' : 'off'}`), ', ')}` : EMPTY;
    lines.push(
      md`:package: Deploy (drill): *${drill.service}* ${deploy.previousVersion} → ${deploy.version} (${deploy.strategy}), ${deploy.minutesBeforeAlert} min before the alert${flags}`,
    );
  }
  for (const alert of drill.alerts) {
    lines.push(md`:rotating_light: Alert (drill): *${alert.name}* on ${alert.service ?? drill.service} (${alert.severity}) — ${alert.summary}`);
  }
  lines.push(deploy && deploy.minutesBeforeAlert < 30 ? md`*Strong suspect:* the deploy above.` : md`*Not a regression:* no recent deploy of this service correlates; look at its dependencies.`);
  const value = (extra: Partial<DrillButtonValue> = {}) => JSON.stringify({ incidentId: incident.id, ...extra });
  const buttons: KnownBlock[] = [];
  if (deploy) {
    const elements = [
      {
        type: 'button' as const,
        action_id: DRILL_ACTIONS.rollback,
        text: plain(truncate(`Rollback to ${deploy.previousVersion}`, 75)),
        value: value(),
        style: 'danger' as const,
        confirm: {
          title: plain('Rollback (drill)?'),
          text: plain(`Dry run: ${drill.service} ${deploy.version} → ${deploy.previousVersion} (${deploy.strategy}). Nothing will be sent.`, 300),
          confirm: plain('Rollback'),
          deny: plain('Cancel'),
        },
      },
      ...deploy.changes.flags
        .filter((flag) => flag.enabled)
        .map((flag, index) => ({
          type: 'button' as const,
          action_id: `${DRILL_ACTIONS.disableFlag}_${index}`,
          text: plain(truncate(`Disable flag ${flag.key}`, 75)),
          value: value({ flagIndex: index }),
        })),
    ];
    buttons.push({ type: 'actions', elements });
  }
  return withDrillBanner(incident, slackMessage(md`Drill ${drill.id}: ${drill.title}`, [section(joinMd(lines)), ...buttons]));
}

/** The runbook's steps as checkboxes; the ones left unticked at resolve are reported as skipped. */
export function drillStepsMessage(incident: Incident, runbookTitle: string, steps: string[], ticked: string[]): SlackMessage {
  const blocks: KnownBlock[] = [section(md`*Runbook: ${runbookTitle}* — tick each step as you do it; unticked steps are reported as skipped.`)];
  for (let start = 0; start < steps.length && start < 100; start += STEPS_PER_BLOCK) {
    const options = steps.slice(start, start + STEPS_PER_BLOCK).map((step, i) => ({ value: String(start + i), text: { type: 'mrkdwn' as const, text: truncateMd(text(step), 75).toString() } }));
    const initial = options.filter((o) => ticked.includes(o.value));
    blocks.push({
      type: 'actions',
      block_id: `${DRILL_STEPS_BLOCK}${start / STEPS_PER_BLOCK}`,
      elements: [{ type: 'checkboxes', action_id: DRILL_ACTIONS.stepToggle, options, ...(initial.length > 0 ? { initial_options: initial } : {}) }],
    });
  }
  return withDrillBanner(incident, { text: `Runbook steps for ${incident.id}`, blocks });
}

/** What a dry-run remediation would have done, in place of the executor's status message. */
export function dryRunMessage(incident: Incident, what: string, request: string, by: string): SlackMessage {
  const fence = '```';
  const body = md`:test_tube: *Dry run* — ${what}, asked by ${mention(by)}. Nothing was sent.\nWould have sent:\n${fence}${request.replace(/`/g, "'")}${fence}`;
  return withDrillBanner(incident, slackMessage(md`Dry run: ${what}`, [section(body)]));
}

const FIGURE_NAMES = { acknowledge: 'Time to acknowledge', mitigate: 'Time to mitigate', resolve: 'Time to resolve' } as const;

export function drillReportMessage(incident: Incident, drill: DrillScenario, report: DrillReport, nextDueAt: string): SlackMessage {
  const figures = report.figures.map(
    (f) => md`${f.met ? ':white_check_mark:' : ':x:'} ${FIGURE_NAMES[f.name]}: *${f.took === undefined ? 'not reached' : formatElapsed(f.took)}* (target ${formatElapsed(f.target)})`,
  );
  const skipped = report.skippedSteps.length === 0 ? [md`Every runbook step was ticked.`] : report.skippedSteps.slice(0, 25).map((step) => md`• ${step}`);
  const body = joinMd([
    md`*Drill report* — ${drill.title} (${code(drill.id)}, runbook ${code(drill.runbook)}): *${report.result}*`,
    ...figures,
    md`*Skipped steps (${report.skippedSteps.length})*`,
    ...skipped,
  ]);
  return withDrillBanner(incident, { text: `Drill report for ${incident.id}: ${report.result}`, blocks: [section(body), context(md`Runbook last tested now; next test due ${utcTime(nextDueAt)}.`)] });
}

export function drillListText(drills: DrillScenario[]): Mrkdwn {
  if (drills.length === 0) return md`No drills: add scenarios under runbook-content/drills/.`;
  return joinMd([
    md`*Drills* — run one with ${code('/incident drill <scenario> [@participant …]')}`,
    ...drills.map((d) => md`• ${code(d.id)} — ${d.title} (runbook ${code(d.runbook)})`),
    md`${code('/incident drill status')} shows when each runbook was last tested.`,
  ]);
}

export function lastTestedLine(runbookId: string, test: RunbookTest | undefined): Mrkdwn {
  if (!test) return md`${code(runbookId)}: never tested`;
  return md`${code(runbookId)}: last tested ${utcTime(test.at)} by ${mention(test.by)} (${test.scenario}): ${test.result}; next due ${utcTime(test.nextDueAt)}`;
}

export function drillReminderMessage(test: RunbookTest): SlackMessage {
  return slackMessage(
    md`:alarm_clock: Runbook ${code(test.runbook)} is due for a test: last tested ${utcTime(test.at)} by ${mention(test.by)} (${test.result}). Rehearse it with ${code(`/incident drill ${test.scenario}`)}.`,
  );
}
