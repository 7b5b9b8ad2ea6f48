import type { App } from '@slack/bolt';
import { INCIDENT_ACTIONS } from '../../../../blocks/ids';
import type { SlackDeps } from '../../deps';
import { checklistToggle } from './checklist';
import { registerDrillActions } from './drill';
import { registerEscalationActions } from './escalation';
import { registerRemediationActions } from './remediation';
import { startFromAlert } from './start-from-alert';

export function register(app: App, deps: SlackDeps): void {
  app.action(INCIDENT_ACTIONS.checklistToggle, checklistToggle(deps));
  app.action(INCIDENT_ACTIONS.startFromAlert, startFromAlert(deps));
  registerEscalationActions(app, deps);
  registerRemediationActions(app, deps);
  registerDrillActions(app, deps);
}
