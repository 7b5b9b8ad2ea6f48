import type { WebClient } from '@slack/web-api';
import { withDrillBanner } from '../../blocks/drill-banner';
import { runbookCard, listItems, sectionOf } from '../../blocks/runbook-card';
import type { SlackMessage } from '../../blocks/incident-messages';
import type { ConfigFile } from '../../config/file';
import type { Content } from '../../content';
import type { Runbook } from '../../content/schema';
import type { AlertState } from '../../domain/alerts/model';
import type { AlertTracker } from '../../domain/alerts/ports';
import type { Verdict } from '../../domain/correlation';
import type { IncidentEvent } from '../../domain/incidents/events';
import { SYSTEM_ACTOR, type Incident } from '../../domain/incidents/model';
import type { IncidentRepository } from '../../domain/incidents/ports';
import type { IncidentService } from '../../domain/incidents/service';
import { rankCauses, rollBackFirst, rollBackFirstText } from '../../domain/runbooks/recommend';
import type { RedisSteps } from '../store/steps';

export interface RunbookCardDeps {
  client: () => WebClient;
  repository: IncidentRepository;
  incidents: IncidentService;
  alerts: AlertTracker;
  verdict: (alert: AlertState) => Promise<Verdict>;
  content: Content;
  config: ConfigFile;
}

/** The runbook a service names (config), else the general incident-response one. */
export function runbookFor(incident: Pick<Incident, 'service'>, deps: Pick<RunbookCardDeps, 'content' | 'config'>): Runbook | undefined {
  const id = (incident.service ? deps.config.services[incident.service]?.runbook : undefined) ?? 'incident-response';
  return deps.content.runbook(id) ?? deps.content.runbook('incident-response');
}

/** The card for a runbook, read against an incident (its triggering alert, whether a cause is known). */
export async function buildRunbookCard(runbook: Runbook, incident: Incident | undefined, deps: RunbookCardDeps): Promise<SlackMessage> {
  const fingerprint = incident?.origin?.alertFingerprint;
  const alertService = incident?.origin?.alertService ?? incident?.service;
  const alert = fingerprint && alertService !== undefined ? await deps.alerts.get(alertService, fingerprint) : undefined;
  const verdict = alert ? await deps.verdict(alert) : undefined;
  const diagnosis = verdict?.kind === 'none' || !verdict ? [] : verdict.diagnosis.map((d) => ({ reading: d.reading, likelyCause: d.likelyCause }));
  const threshold = deps.content.policy.guard.errorRate.threshold;
  const recommend = rollBackFirst(alert, threshold, Boolean(incident?.rootCause));
  return runbookCard({
    runbook,
    diagnosis,
    causes: rankCauses(listItems(sectionOf(runbook, /cause/i)), diagnosis.map((d) => d.likelyCause)),
    recommendation: recommend ? rollBackFirstText(threshold) : undefined,
    incidentId: incident?.id,
  });
}

/** Posts the service's runbook card in each new incident channel, once: a recorded step, like every incident post. */
export class SlackRunbookCardPublisher {
  constructor(private readonly deps: RunbookCardDeps & { steps: RedisSteps }) {}

  async handle(event: IncidentEvent): Promise<void> {
    if (event.type !== 'opened') return;
    const incident = await this.deps.repository.get(event.incident.id);
    if (!incident?.channelId || incident.publication.runbookCardTs) return;
    const runbook = runbookFor(incident, this.deps);
    if (!runbook) return;
    const channel = incident.channelId;
    const card = withDrillBanner(incident, await buildRunbookCard(runbook, incident, this.deps));
    await this.deps.steps.once(incident.id, 'opened-runbook-card', async () => {
      const posted = await this.deps.client().chat.postMessage({ channel, text: card.text, blocks: card.blocks, unfurl_links: false });
      await this.deps.repository.recordPublication(incident.id, { runbookCardTs: posted.ts ?? 'posted' });
      await this.deps.incidents.note(incident.id, SYSTEM_ACTOR, 'runbook', `Runbook card posted: ${runbook.title}`, { runbook: runbook.id });
    });
  }
}
