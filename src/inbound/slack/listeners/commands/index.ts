import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps';
import { incidentCommand } from './incident';

export function register(app: App, deps: SlackDeps): void {
  app.command('/incident', incidentCommand(deps));
}
