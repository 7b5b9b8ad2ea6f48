import type { App } from '@slack/bolt';
import { INCIDENT_ACTIONS } from '../../../../blocks/ids';
import type { SlackDeps } from '../../deps';
import { checklistToggle } from './checklist';
import { registerDrillActions } from './drill';
import { registerEscalationActions } from './escalation';
import { registerRemediationActions } from './remediation';
import { startFromAlert } from './start-from-alert';
import { STATUS_PAGE_ACTIONS } from '../../../../blocks/status-page-ids';
import { publishToStatusPage } from './status-page';
import { registerRunbookActions } from './runbook';
import { RECOVERY_ACTIONS } from '../../../../blocks/recovery-ids';
import { postRollbackChecklistToggle } from './post-rollback-checklist';

export function register(app: App, deps: SlackDeps): void {
  app.action(INCIDENT_ACTIONS.checklistToggle, checklistToggle(deps));
  app.action(INCIDENT_ACTIONS.startFromAlert, startFromAlert(deps));
  registerEscalationActions(app, deps);
  registerRemediationActions(app, deps);
  app.action(STATUS_PAGE_ACTIONS.publish, publishToStatusPage(deps));
  registerRunbookActions(app, deps);
  registerDrillActions(app, deps);
  app.action(RECOVERY_ACTIONS.checklistToggle, postRollbackChecklistToggle(deps));
}
