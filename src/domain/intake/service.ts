import { createHash } from 'node:crypto';
import type { AlertTracker } from '../alerts/ports';
import type { Alert } from '../alerts/model';
import type { DeployHistory } from '../deploys/ports';
import type { NewDeploy } from '../deploys/model';
import type { IncidentService } from '../incidents/service';
import type { IncidentRepository } from '../incidents/ports';
import type { Clock } from '../../lib/clock';
import type { AlertDigestScheduler, DeployWatcher } from './ports';

export interface Accepted {
  /** Same input, same id: a resend or redelivery is answered with the id it got the first time. */
  id: string;
  duplicate: boolean;
}

/**
 * Deploys and alerts arriving from webhooks: stored first (atomically deduplicated), then handed on.
 * Nothing slow happens here; Slack work is a coalesced job per service.
 */
export class IntakeService {
  constructor(
    private readonly deps: {
      deploys: DeployHistory;
      alerts: AlertTracker;
      digests: AlertDigestScheduler;
      incidents: IncidentService;
      repository: IncidentRepository;
      clock: Clock;
      watcher?: DeployWatcher;
      /**
       * Whether a digest could ever show this alert (a configured service's, or a sender's test).
       * Other alerts are stored and indexed only: a shared Alertmanager's storm for services nobody
       * configured costs no digest work. Default: every alert.
       */
      shown?: (alert: Alert) => boolean;
    },
  ) {}

  async receiveDeploys(deploys: NewDeploy[]): Promise<Accepted> {
    const results = [];
    for (const deploy of deploys) {
      const recorded = await this.deps.deploys.record(deploy);
      results.push(recorded);
      if (!recorded.duplicate) await this.noteOnOpenIncident(deploy, recorded.id);
      await this.deps.watcher?.deployed({ ...deploy, id: recorded.id });
    }
    if (results.length === 1) return { id: results[0]!.id, duplicate: results[0]!.duplicate };
    return { id: digest(results.map((r) => r.id)), duplicate: results.length > 0 && results.every((r) => r.duplicate) };
  }

  async receiveAlerts(alerts: Alert[]): Promise<Accepted> {
    const recorded = await this.deps.alerts.recordMany(alerts, this.deps.clock.now().getTime());
    const changedByService = new Map<string, string[]>();
    recorded.forEach((result, index) => {
      if (result.changed === 'repeat' || this.deps.shown?.(alerts[index]!) === false) return;
      const service = alerts[index]!.service;
      const fingerprints = changedByService.get(service);
      if (fingerprints) fingerprints.push(result.fingerprint);
      else changedByService.set(service, [result.fingerprint]);
    });
    for (const [service, fingerprints] of changedByService) await this.deps.digests.schedule(service, fingerprints);
    const id = alerts.length === 1 ? alerts[0]!.fingerprint : digest(alerts.map((a) => `${a.fingerprint}/${a.status}/${a.startsAt}`));
    return { id, duplicate: recorded.every((result) => result.changed === 'repeat') };
  }

  /** A deploy of a service with an open incident goes on that incident's timeline. */
  private async noteOnOpenIncident(deploy: NewDeploy, deployId: string): Promise<void> {
    const incident = await this.deps.repository.openForService(deploy.service);
    if (!incident) return;
    const from = deploy.previousVersion ? `${deploy.previousVersion} → ` : '';
    await this.deps.incidents.note(incident.id, deploy.actor ?? deploy.source, 'deploy', `Deploy of ${deploy.service} ${from}${deploy.version} (${deploy.strategy}, ${deploy.status})`, {
      deployId,
      environment: deploy.environment,
    });
  }
}

function digest(parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('\n')).digest('hex').slice(0, 24);
}
