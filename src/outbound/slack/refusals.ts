import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { escapeMrkdwn } from '../../blocks/text';
import type { IncidentRepository } from '../../domain/incidents/ports';
import type { Metrics } from '../../lib/metrics';
import type { StepGivenUp, StepOptions } from '../store/steps';
import { permanentSlackError, slackErrorCode, SlackRefusedError } from './errors';

/** Errors about the message itself: the channel still takes a plain notice about it. */
const MESSAGE_ERRORS = new Set(['invalid_blocks', 'invalid_blocks_format', 'invalid_attachments', 'invalid_arguments', 'msg_too_long', 'too_many_attachments', 'no_text', 'too_long']);

/**
 * What happens when Slack refuses an effect for good: the step is given up (never retried), logged
 * and counted once, and the incident channel is told, where there is one that still takes posts.
 */
export class SlackRefusals {
  constructor(
    private readonly deps: {
      client: () => WebClient;
      repository: Pick<IncidentRepository, 'get'>;
      metrics: Pick<Metrics, 'slackFailedForGood'>;
      logger: Logger;
    },
  ) {}

  /** Options for a step store whose scope is an incident id. */
  readonly incidentSteps: StepOptions = {
    permanent: permanentSlackError,
    givenUp: (failure) => this.incidentStepGivenUp(failure),
  };

  /** Options for a step store whose scope is a service (alert digests): given up, logged and counted. */
  readonly serviceSteps: StepOptions = {
    permanent: permanentSlackError,
    givenUp: async ({ scope, step, code, error }) => this.record(code, error, { service: scope, step }),
  };

  /** Count and log a refusal. */
  record(code: string, error: unknown, context: Record<string, unknown>): void {
    this.deps.metrics.slackFailedForGood.inc({ error: code });
    this.deps.logger.error({ err: error, slackError: code, ...context }, 'Slack refused for good; not retried');
  }

  private async incidentStepGivenUp({ scope, step, code, error }: StepGivenUp): Promise<void> {
    this.record(code, error, { incidentId: scope, step });
    const target = error instanceof SlackRefusedError ? error.target : undefined;
    try {
      const incident = await this.deps.repository.get(scope);
      const channel = incident?.channelId;
      if (!channel || (target === channel && !MESSAGE_ERRORS.has(code))) return;
      const where = target && target !== channel ? ` ${describeTarget(target)}` : '';
      await this.deps.client().chat.postMessage({
        channel,
        text: `:warning: Slack refused a Firebreak message${where} for good (\`${code}\`, step \`${escapeMrkdwn(step)}\`); it will not be retried. The other messages of this incident go on.`,
      });
    } catch (notice) {
      this.deps.logger.warn({ err: notice, slackError: slackErrorCode(notice), incidentId: scope, step }, 'could not tell the incident channel about a refused Slack message');
    }
  }
}

/** A channel id as a link, a person as a mention, a configured name (#incidents) as plain text. */
function describeTarget(target: string): string {
  if (/^[CG][A-Z0-9]+$/.test(target)) return `in <#${target}>`;
  if (/^[UW][A-Z0-9]+$/.test(target)) return `to <@${target}>`;
  return `in ${escapeMrkdwn(target)}`;
}
