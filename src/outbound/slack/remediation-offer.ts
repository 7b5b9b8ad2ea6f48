import type { WebClient } from '@slack/web-api';
import type { RedisClient } from '../../lib/redis-connection';
import { utcTime } from '../../blocks/incident-messages';
import { offersIn, remediationButtons } from '../../blocks/remediation';
import { md, section } from '../../blocks/text';
import type { ConfigFile } from '../../config/file';
import type { Content } from '../../content';
import type { DeployLookup } from '../../domain/remediation/action-ports';
import type { IncidentEvent } from '../../domain/incidents/events';
import type { Incident } from '../../domain/incidents/model';
import { formatElapsed } from '../../lib/human-duration';
import type { RedisKeys } from '../../lib/keys';
import { RemediationOfferStore } from '../store/remediation-offers';
import { RedisSteps, type StepOptions } from '../store/steps';
import { refusedFor } from './errors';

/**
 * When an incident opens with a suspect deploy, offer Rollback and Disable flag in the thread of its
 * initial message, once. Runs after the Slack publisher (which creates the channel and that message).
 */
export class RemediationOffer {
  private readonly steps: RedisSteps;

  constructor(
    private readonly deps: {
      client: () => WebClient;
      redis: RedisClient;
      keys: RedisKeys;
      config: ConfigFile;
      content: Content;
      deploys: DeployLookup;
      incidents: { get(id: string): Promise<Incident> };
      /** A refusal for good (the thread is gone): given up, reported, not retried. */
      stepOptions?: StepOptions;
    },
  ) {
    this.steps = new RedisSteps(deps.redis, deps.keys.incidentStep, deps.stepOptions);
  }

  async handle(event: IncidentEvent): Promise<void> {
    if (event.type !== 'opened') return;
    const incident = await this.deps.incidents.get(event.incident.id).catch(() => undefined);
    const suspectId = incident?.origin?.suspectDeployId;
    const channel = incident?.channelId;
    const threadTs = incident?.publication.initialTs;
    if (!incident || incident.status !== 'open' || !suspectId || !channel || !threadTs || !incident.service) return;
    const service = this.deps.config.services[incident.service];
    if (!service?.rollback && !service?.flags) return;
    const deploy = await this.deps.deploys.get(suspectId);
    if (!deploy || deploy.service !== incident.service) return;
    const target = this.deps.content.policy.rollbackTargets[deploy.strategy];
    const buttons = remediationButtons(
      deploy,
      { kind: 'incident', id: incident.id },
      { rollback: Boolean(service.rollback), flags: Boolean(service.flags), rollbackTargetText: formatElapsed(target) },
    );
    if (!buttons) return;
    const text = md`:leftwards_arrow_with_hook: *Suspect deploy:* ${deploy.service} ${deploy.version} (${deploy.strategy}, ${deploy.environment}, deployed ${utcTime(deploy.timestamp)}). If it caused this, undo it here — each button asks to confirm first.`;
    // One step, as every Slack effect of an incident event (a crashed attempt's claim lapses; a retry skips it once done).
    await this.steps.once(incident.id, `opened-${incident.id}-remediation-offer`, async () => {
      // The buttons' offers are saved before they are shown, so a click finds what was rendered.
      await new RemediationOfferStore(this.deps.redis, this.deps.keys, this.deps.config.retention).save(offersIn([buttons]));
      await refusedFor(channel, this.deps.client().chat.postMessage({ channel, thread_ts: threadTs, text: text.toString(), blocks: [section(text), buttons] }));
    });
  }
}
