import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RemediationOffer, RemediationOfferPayload } from '../../blocks/remediation-ids';
import type { ConfigFile } from '../../config/file';
import type { Content } from '../../content';
import type { AlertState } from '../../domain/alerts/model';
import type { AlertTracker } from '../../domain/alerts/ports';
import type { EscalationService } from '../../domain/escalation/service';
import type { IncidentService } from '../../domain/incidents/service';
import type { OncallFlows } from '../../domain/oncall/flows';
import type { OncallService } from '../../domain/oncall/service';
import type { RemediationRequests } from '../../domain/remediation/requests';
import type { StatusPageService } from '../../domain/status/service';
import type { SlackMessage } from '../../blocks/incident-messages';
import type { Runbook } from '../../content/schema';
import type { Incident } from '../../domain/incidents/model';
import type { Clock } from '../../lib/clock';
import type { RedisKeys } from '../../lib/keys';
import type { SlackDrills } from '../../outbound/slack/drill-runner';

/** What Slack listeners may use; injected by main.ts. */
export interface SlackDeps {
  incidents: IncidentService;
  config: ConfigFile;
  content: Content;
  clock: Clock;
  logger: Logger;
  redis: Redis;
  keys: RedisKeys;
  alerts: AlertTracker;
  /** The alert's verdict in one line ("Strong suspect: checkout v1.2.3 …"). */
  verdictFor(alert: AlertState): Promise<string>;
  /** Acknowledge, escalate now, join channel, postmortem scheduled. */
  escalation: EscalationService;
  /** Rollback / Disable flag: authorise and enqueue a click, post its status message. */
  remediation: RemediationRequests;
  /** Status page drafts and publication requests (a person's click). */
  statusPage?: StatusPageService;
  /** The runbook card for a runbook, read against the incident (its alert's diagnosis, the roll-back-first rule). */
  runbookCard(runbook: Runbook, incident: Incident | undefined): Promise<SlackMessage>;
  /** `/incident drill`, dry-run buttons and runbook step ticks in a drill. */
  drills: SlackDrills;
  /** What each Rollback / Disable flag button was rendered for, by the offer id its value carries. */
  offers: {
    save(offers: readonly RemediationOffer[]): Promise<void>;
    get(offerId: string): Promise<RemediationOfferPayload | undefined>;
  };
  /** Ticks on a post-rollback checklist, by its watch (absent in tests that build listeners alone). */
  recoveryChecklist?: {
    checklistPosted(watch: string): Promise<boolean>;
    setTicked(watch: string, phaseItems: string[], selected: string[]): Promise<void>;
  };
  /** `/incident oncall`: rotations, overrides (absent in tests that build listeners alone). */
  oncall?: { service: OncallService; flows: OncallFlows };
}
