import type { App } from '@slack/bolt';
import { INCIDENT_ACTIONS } from '../../../../blocks/ids';
import type { SlackDeps } from '../../deps';
import { checklistToggle } from './checklist';

export function register(app: App, deps: SlackDeps): void {
  app.action(INCIDENT_ACTIONS.checklistToggle, checklistToggle(deps));
}
