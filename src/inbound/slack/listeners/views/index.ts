import type { App } from '@slack/bolt';
import { INCIDENT_VIEWS } from '../../../../blocks/ids';
import type { SlackDeps } from '../../deps';
import { STATUS_PAGE_VIEW } from '../../../../blocks/status-page-ids';
import { resolveIncidentSubmission, startIncidentSubmission, updateIncidentSubmission } from './incident';
import { publishSubmission } from './status-page';

export function register(app: App, deps: SlackDeps): void {
  app.view(INCIDENT_VIEWS.start, startIncidentSubmission(deps));
  app.view(INCIDENT_VIEWS.update, updateIncidentSubmission(deps));
  app.view(INCIDENT_VIEWS.resolve, resolveIncidentSubmission(deps));
  app.view(STATUS_PAGE_VIEW, publishSubmission(deps));
}
