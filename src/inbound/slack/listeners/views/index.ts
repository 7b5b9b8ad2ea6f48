import type { App } from '@slack/bolt';
import { INCIDENT_VIEWS } from '../../../../blocks/ids';
import type { SlackDeps } from '../../deps';
import { resolveIncidentSubmission, startIncidentSubmission, updateIncidentSubmission } from './incident';

export function register(app: App, deps: SlackDeps): void {
  app.view(INCIDENT_VIEWS.start, startIncidentSubmission(deps));
  app.view(INCIDENT_VIEWS.update, updateIncidentSubmission(deps));
  app.view(INCIDENT_VIEWS.resolve, resolveIncidentSubmission(deps));
}
