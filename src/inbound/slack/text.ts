/** `<@U123|alice>` or `<@U123>` → `U123`. */
export function parseUserMention(text: string): string | undefined {
  return /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text.trim())?.[1];
}

export const HELP_TEXT = [
  '*Firebreak — `/incident` commands*',
  '• `/incident start [title]` — open an incident (modal: title, severity, service, impact)',
  '• `/incident update` — post an update (in the incident channel)',
  '• `/incident resolve` — resolve with root cause, user impact and follow-up',
  '• `/incident reopen` — reopen a resolved incident',
  '• `/incident severity P0|P1|P2|P3` — change the severity',
  '• `/incident ic @user` — hand over the incident commander role',
  '• `/incident ack` — acknowledge the current escalation level (stops its reminders)',
  '• `/incident escalate` — escalate to the next level now',
  '• `/incident escalate data-loss` — a data loss risk: escalate to level 3 now',
  '• `/incident postmortem` — a Markdown postmortem draft from the timeline, posted as a file',
  '• `/incident postmortem scheduled` — mark the postmortem as scheduled (stops its reminder)',
  '• `/incident rollback` — roll the suspect deploy back to its previous version (asks to confirm)',
  '• `/incident flag off <key>` — switch a feature flag off (asks to confirm)',
  '• `/incident statuspage [investigating|identified|resolved]` — review the runbook\'s public text and publish it',
  '• `/incident status` — this incident at a glance',
  '• `/incident list` — open incidents',
  '• `/incident timeline` — everything that happened, with who and when',
  '• `/incident runbook [id] [--me]` — post the runbook card here (only to you with `--me`); `/incident runbook list` — the ids',
  '• `/incident drill [scenario|status] [@participant …]` — rehearse a runbook (dry-run remediation, report at resolve)',
  '• `/incident oncall` — who is on call now and next; `/incident oncall override <rotation> @user <duration>` takes a shift',
  '• `/incident help` — this text',
].join('\n');
