import type { KnownBlock } from '@slack/types';
import { CHECK_NAMES, measuredVsTarget } from '../domain/recovery/describe';
import { CHECKLIST_PHASES } from '../domain/recovery/model';
import type { ChecklistView, ReminderView, ResultView } from '../domain/recovery/ports';
import { formatElapsed } from '../lib/human-duration';
import { actionHeadline } from './remediation-status';
import { checklistBlockId, RECOVERY_ACTIONS } from './recovery-ids';
import { context, joinMd, md, mentionTarget, section, truncate, truncateMd, type Mrkdwn, type SlackMessage } from './text';

/** The recovery watch's results and the post-rollback checklist, in the remediation thread. */

const ICON = { recovered: ':white_check_mark:', 'not-recovered': ':rotating_light:', 'no-data': ':grey_question:' } as const;

function escalationLine(view: ResultView): Mrkdwn | undefined {
  const escalation = view.escalation;
  switch (escalation?.kind) {
    case 'escalated': {
      const who = escalation.paged.targets.map(mentionTarget);
      return md`Escalated to level ${escalation.paged.level}${who.length > 0 ? md` (${joinMd(who, ', ')})` : md``}.`;
    }
    case 'top':
      return md`Already at the highest escalation level: nobody further to page.`;
    case 'already':
      return md`The incident was already escalated by an earlier recovery check.`;
    case 'no-incident':
      return md`No open incident to escalate: start one if the service is still hurting.`;
    default:
      return undefined;
  }
}

/** ":white_check_mark: Recovered — error rate 0.4 % (target: under 1 %), 5 min after the rollback of …" */
export function recoveryResultMessage(view: ResultView): SlackMessage {
  const { verdict, record, withinMs } = view;
  const after = md`${formatElapsed(withinMs)} after the ${actionHeadline(record.spec, true)}`;
  const name = CHECK_NAMES[verdict.check];
  let headline: Mrkdwn;
  if (verdict.outcome === 'recovered') headline = md`${ICON.recovered} *${name} recovered*: ${measuredVsTarget(verdict)}, ${after}.`;
  else if (verdict.outcome === 'not-recovered') headline = md`${ICON['not-recovered']} *${name} not recovered*: ${measuredVsTarget(verdict)}, ${after}.`;
  else headline = md`${ICON['no-data']} *${name}: no data*, ${after} — not claiming recovery (${verdict.detail ?? 'no reading'}).`;
  const escalation = escalationLine(view);
  return {
    text: truncateMd(headline, 3000).toString(),
    blocks: [section(escalation ? joinMd([headline, escalation]) : headline), context(md`Recovery watch · readings from ${verdict.source}`)],
  };
}

function phaseBlocks(view: ChecklistView, phase: (typeof CHECKLIST_PHASES)[number]): KnownBlock[] {
  const { items, title } = view.checklist[phase];
  const options = items.map((item) => ({ value: truncate(item.id, 150), text: { type: 'mrkdwn' as const, text: truncateMd(md`${item.text}`, 75).toString() } }));
  const initial = options.filter((option) => view.ticked.includes(option.value));
  return [
    section(md`*${title}* — reminder ${formatElapsed(view.reminders[phase])} after the rollback`),
    {
      type: 'actions',
      block_id: checklistBlockId(view.watch, phase),
      elements: [{ type: 'checkboxes', action_id: RECOVERY_ACTIONS.checklistToggle, options, ...(initial.length > 0 ? { initial_options: initial } : {}) }],
    },
  ];
}

/** The post-rollback checklist: one set of checkboxes per phase; ticks are saved and reminders name what is left. */
export function postRollbackChecklistMessage(view: ChecklistView): SlackMessage {
  return {
    text: md`Post-rollback checklist for the ${actionHeadline(view.record.spec, true)}`.toString(),
    blocks: [section(md`*Post-rollback checklist* — ${actionHeadline(view.record.spec, true)}`), ...CHECKLIST_PHASES.flatMap((phase) => phaseBlocks(view, phase))],
  };
}

/** ":alarm_clock: Post-rollback checklist, 15 min: still open in Immediate validation — …" */
export function checklistReminderMessage(view: ReminderView): SlackMessage {
  const body = joinMd([
    md`:alarm_clock: *Post-rollback checklist*, ${formatElapsed(view.afterMs)} after the rollback: still open in *${view.title}*`,
    ...view.open.map((item) => md`• ${item}`),
  ]);
  return { text: truncateMd(body, 3000).toString(), blocks: [section(body)] };
}
