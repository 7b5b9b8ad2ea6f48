import type { Worker } from 'bullmq';
import { verdictSummary } from './blocks/alert-card';
import type { Alert } from './domain/alerts/model';
import type { AlertTracker } from './domain/alerts/ports';
import { analyseAlert } from './domain/correlation/analyse';
import type { Verdict } from './domain/correlation';
import type { DeployHistory } from './domain/deploys/ports';
import { AlertDigestFlow } from './domain/intake/digest';
import type { DeployWatcher } from './domain/intake/ports';
import { IntakeService } from './domain/intake/service';
import type { IncidentRepository } from './domain/incidents/ports';
import { startAlertDigestWorker } from './inbound/workers/alert-digests';
import { BullAlertDigestScheduler, DIGEST_STEP_LEASE_MS } from './outbound/jobs/alert-digests';
import { createQueue, QUEUE_NAMES } from './outbound/jobs/queues';
import { SlackAlertNotifier } from './outbound/slack/alert-notifier';
import type { SlackRefusals } from './outbound/slack/refusals';
import { RedisAlertCards } from './outbound/store/alert-cards';
import { RedisSteps } from './outbound/store/steps';
import type { Wiring } from './wiring';

export interface IntakeWiring {
  intake: IntakeService;
  /** An alert's verdict: its suspect deploys and the quick-diagnosis reading. */
  verdict(alert: Alert): Promise<Verdict>;
  /** The alert-digest worker (cards, incident threads) and its sweeper; only where workers run. */
  startWorker(): Promise<Worker>;
  close(): Promise<void>;
}

/**
 * Part of the composition root (firebreak.ts): deploy and alert intake, correlation, and the
 * coalesced alert digests that show them in Slack.
 */
export function wireIntake(options: Wiring & {
  deploys: DeployHistory;
  alerts: AlertTracker;
  repository: IncidentRepository;
  watcher: DeployWatcher;
  /** Cards Slack refuses for good (invalid_blocks, a channel the bot left): given up, logged, counted. */
  refusals?: SlackRefusals;
}): IntakeWiring {
  const { redis, keys, queueSettings, deploys, alerts, incidents, repository, config, content, clock, logger } = options;
  const queue = createQueue(QUEUE_NAMES.alertDigests, queueSettings);
  const digests = new BullAlertDigestScheduler(queue, redis, keys);
  // Incidents and cards exist only for configured services (the start form and auto-start refuse others).
  const shown = (alert: Alert) => alert.test === true || Object.hasOwn(config.services, alert.service);
  const intake = new IntakeService({ deploys, alerts, digests, incidents, repository, clock, watcher: options.watcher, shown });
  const { policy } = content;
  const verdict = (alert: Alert) =>
    analyseAlert(alert, {
      deploys,
      dependencies: config.services[alert.service]?.dependsOn ?? [],
      policy: { strongMs: policy.correlation.strong, possibleMs: policy.correlation.possible },
      quickDiagnosis: policy.quickDiagnosis,
      notARegression: policy.notARegression,
    });

  return {
    intake,
    verdict,
    async startWorker() {
      const flow = new AlertDigestFlow({
        pending: digests,
        cards: new RedisAlertCards(redis, keys),
        notifier: new SlackAlertNotifier({ client: options.client(), rollbackTargets: policy.rollbackTargets, redis, keys, retentionMs: config.retention, errorRateThreshold: policy.guard.errorRate.threshold }),
        steps: new RedisSteps(redis, keys.alertStep, { ...options.refusals?.serviceSteps, leaseMs: DIGEST_STEP_LEASE_MS }),
        alerts,
        repository,
        incidents,
        verdict,
        describeVerdict: verdictSummary,
        policy: {
          channelFor: (service) => (Object.hasOwn(config.services, service) ? config.services[service]!.channel : undefined),
          testChannel: config.alerts.testChannel ?? config.announcements,
          autoStart: config.alerts.autoStart,
          peopleFor: (service) => {
            const settings = config.services[service];
            return [...(settings?.escalation?.[0]?.notify ?? []), ...(settings?.responders ?? [])].filter((id) => /^[UW]/.test(id));
          },
        },
        logger,
      });
      const worker = startAlertDigestWorker({ ...queueSettings, digests, digest: (service) => flow.digest(service), logger });
      await digests.startSweeper();
      return worker;
    },
    close: () => queue.close(),
  };
}
