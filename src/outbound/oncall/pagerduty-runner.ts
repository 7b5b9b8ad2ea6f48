import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../../domain/incidents/model';
import type { IncidentService } from '../../domain/incidents/service';
import type { PagerDutyEventJob } from '../../domain/oncall/pagerduty-mirror';
import { pagerdutyJobId } from '../jobs/oncall-jobs';
import type { SlackOncallNotifier } from '../slack/oncall-notifier';
import type { RedisOncallSteps } from '../store/oncall-store';
import { PagerDutyRefusedError, pagerdutyEvent, sendPagerDutyEvent } from './pagerduty-events';

const triggeredStep = (incidentId: string) => `pd-${incidentId}-triggered`;

/**
 * Runs one PagerDuty event job: the call, its timeline entry, each once. Acknowledge and resolve
 * wait (retry) until the trigger went out. A refused event, or the last failed attempt, is said
 * once in the incident channel and on the timeline.
 */
export class PagerDutyRunner {
  constructor(
    private readonly deps: {
      incidents: IncidentService;
      routingKey: (service: string) => string | undefined;
      steps: RedisOncallSteps;
      notifier: SlackOncallNotifier;
      logger: Logger;
      eventsUrl?: string;
    },
  ) {}

  async run(job: PagerDutyEventJob, attempt: { lastAttempt: boolean }): Promise<void> {
    const { incidents, steps } = this.deps;
    const incident = await incidents.find(job.incidentId);
    const routingKey = incident?.service ? this.deps.routingKey(incident.service) : undefined;
    if (!incident || !routingKey) return;
    const id = pagerdutyJobId(job);
    try {
      if (job.action !== 'trigger' && !(await steps.done(triggeredStep(incident.id)))) {
        throw new Error('the PagerDuty alert was not triggered yet');
      }
      await steps.once(`${id}-sent`, () => sendPagerDutyEvent(pagerdutyEvent(incident, job.action, routingKey), { url: this.deps.eventsUrl }));
      if (job.action === 'trigger') await steps.mark(triggeredStep(incident.id));
      await steps.once(`${id}-timeline`, () =>
        incidents.note(incident.id, SYSTEM_ACTOR, 'pagerduty', `PagerDuty alert ${pastTense(job.action)} (dedup key ${incident.id})`, { action: job.action }),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PagerDutyRefusedError;
      if (!permanent && !attempt.lastAttempt) throw error;
      this.deps.logger.error({ err: message, incidentId: incident.id, action: job.action }, 'PagerDuty event failed for good');
      await steps.once(`${id}-failed`, () => this.deps.notifier.pagerdutyFailed(incident, job.action, message));
      await steps.once(`${id}-failed-timeline`, () =>
        incidents.note(incident.id, SYSTEM_ACTOR, 'pagerduty', `PagerDuty could not be told to ${job.action}: ${message}`, { action: job.action, error: message }),
      );
      throw new UnrecoverableError(message);
    }
  }
}

function pastTense(action: PagerDutyEventJob['action']): string {
  return action === 'trigger' ? 'triggered' : action === 'acknowledge' ? 'acknowledged' : 'resolved';
}
