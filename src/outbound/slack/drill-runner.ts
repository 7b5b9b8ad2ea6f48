import type { WebClient } from '@slack/web-api';
import type { Queue } from 'bullmq';
import { drillReminderMessage, drillReportMessage, drillScenarioMessage, drillStepsMessage, dryRunMessage, lastTestedLine } from '../../blocks/drill';
import type { SlackMessage } from '../../blocks/incident-messages';
import { joinMd, md, type Mrkdwn } from '../../blocks/text';
import type { ConfigFile } from '../../config/file';
import type { Content } from '../../content';
import type { DrillScenario, RunbookTest } from '../../domain/drills/model';
import { DRILL_REMEDIATION_KIND, drillReport } from '../../domain/drills/report';
import type { IncidentEvent } from '../../domain/incidents/events';
import type { Incident } from '../../domain/incidents/model';
import type { IncidentService } from '../../domain/incidents/service';
import type { Clock } from '../../lib/clock';
import { keySafe } from '../../lib/keys';
import type { RedisDrillStore } from '../store/drill-store';

export interface DrillReminderJob {
  runbook: string;
  channel: string;
}

/**
 * Drills: a scripted incident with its deploy and alerts marked as a drill, dry-run remediation
 * (nothing reaches an executor or a flag service), and at resolve a report against the runbook's
 * targets, the runbook's last test recorded and a reminder scheduled for the next one.
 */
export class SlackDrills {
  constructor(
    private readonly deps: {
      client: () => WebClient;
      incidents: IncidentService;
      store: RedisDrillStore;
      reminders: Queue;
      content: Content;
      config: ConfigFile;
      clock: Clock;
    },
  ) {}

  scenarios(): DrillScenario[] {
    return this.deps.content.drills;
  }

  /** Open the drill's incident; paged: who started it, whom the scenario and the command name. */
  async start(scenario: DrillScenario, by: string, named: string[], requestKey: string): Promise<Incident> {
    const participants = [...new Set([by, ...scenario.participants, ...named])];
    const { incident } = await this.deps.incidents.start({
      title: `Drill: ${scenario.title}`,
      severity: scenario.severity,
      impact: 'None — this is a drill',
      reporterId: by,
      requestKey: `drill-${requestKey}`,
      drill: { scenario: scenario.id, runbook: scenario.runbook, service: scenario.service, participants },
    });
    return incident;
  }

  /** Incident events: post the scenario once the channel exists; report at resolve. */
  async handle(event: IncidentEvent): Promise<void> {
    const incident = await this.deps.incidents.find(event.incident.id);
    if (!incident?.drill) return;
    const scenario = this.deps.content.drill(incident.drill.scenario);
    if (!scenario) return;
    if (event.type === 'opened') {
      const runbook = this.deps.content.runbook(scenario.runbook);
      await this.deps.store.once(incident.id, 'noted', () =>
        this.deps.incidents.note(incident.id, 'firebreak', 'drill', `Drill ${scenario.id} started (deploy and alerts are simulated)`, {
          deploy: scenario.deploy ? { ...scenario.deploy, service: scenario.service, drill: true } : undefined,
          alerts: scenario.alerts.map((alert) => ({ ...alert, service: alert.service ?? scenario.service, drill: true })),
        }),
      );
      await this.deps.store.once(incident.id, 'scenario', () => this.post(incident, drillScenarioMessage(incident, scenario)));
      await this.deps.store.once(incident.id, 'steps', () => this.post(incident, drillStepsMessage(incident, runbook?.title ?? scenario.runbook, runbook?.steps ?? [], [])));
    }
    if (event.type === 'resolved' && incident.status === 'resolved') await this.report(incident, scenario);
  }

  /** A remediation in a drill, recorded and described, never sent: a dry-run rollback, or flag-off of `flag` (a key, or the index among the deploy's enabled flags, as a button carries it). */
  async dryRun(incidentId: string, by: string, which?: string | number): Promise<Mrkdwn> {
    const incident = await this.deps.incidents.get(incidentId);
    const scenario = incident.drill ? this.deps.content.drill(incident.drill.scenario) : undefined;
    if (!incident.drill || !scenario) return md`${incidentId} is not a drill.`;
    const deploy = scenario.deploy;
    if (!deploy) return md`This drill has no deploy to roll back: look at the dependencies instead.`;
    const flag = typeof which === 'number' ? (deploy.changes.flags.filter((f) => f.enabled)[which]?.key ?? '') : which;
    if (flag && !deploy.changes.flags.some((f) => f.key === flag)) return md`The drill's deploy did not change flag ${flag}.`;
    const step = flag ? `dry-flag-${keySafe(flag)}` : 'dry-rollback';
    if (!(await this.deps.store.claim(incident.id, step))) return md`Already done (dry run) in this drill.`;
    const { what, request } = this.wouldSend(scenario, incident, by, flag);
    await this.deps.incidents.note(incident.id, by, DRILL_REMEDIATION_KIND, `Dry run: ${what}`, { dryRun: true, request });
    await this.post(incident, dryRunMessage(incident, what, request, by));
    return md`Dry run: ${what}. Nothing was sent.`;
  }

  /** Ticks on one block of the runbook's steps (indices `range`). */
  async tick(incidentId: string, range: string[], ticked: string[], by: string): Promise<void> {
    await this.deps.store.setTicks(incidentId, range, ticked.filter((t) => range.includes(t)));
    await this.deps.incidents.note(incidentId, by, 'drill-steps', `Runbook steps ticked: ${ticked.length} of this block`);
  }

  async statusText(): Promise<Mrkdwn> {
    const runbooks = [...new Set(this.deps.content.drills.map((d) => d.runbook))];
    const lines = await Promise.all(runbooks.map(async (id) => lastTestedLine(id, await this.deps.store.lastTest(id))));
    return joinMd([md`*Runbook tests*`, ...lines]);
  }

  async lastTestedText(runbookId: string): Promise<Mrkdwn> {
    return lastTestedLine(runbookId, await this.deps.store.lastTest(runbookId));
  }

  /** The reminder job fired: post it unless a later test replaced it. */
  async remind(jobId: string, job: DrillReminderJob): Promise<boolean> {
    const test = await this.deps.store.lastTest(job.runbook);
    if (!test || test.reminderJobId !== jobId) return false;
    const message = drillReminderMessage(test);
    await this.deps.client().chat.postMessage({ channel: job.channel, text: message.text, blocks: message.blocks });
    return true;
  }

  private async report(incident: Incident, scenario: DrillScenario): Promise<void> {
    const { content, store, clock } = this.deps;
    const runbook = content.runbook(scenario.runbook);
    const targets = { ...content.policy.drills.targets, ...scenario.targets };
    const [timeline, ticked] = await Promise.all([this.deps.incidents.timeline(incident.id), store.ticked(incident.id)]);
    const report = drillReport(incident, timeline, targets, runbook?.steps ?? [], ticked);
    const testedAt = incident.resolvedAt ?? clock.now().toISOString();
    const nextDueAt = new Date(Date.parse(testedAt) + content.policy.drills.testEvery).toISOString();
    const reminderJobId = `drill-due-${keySafe(scenario.runbook)}-${testedAt.replace(/\D/g, '')}`;
    await store.once(incident.id, 'report', () => this.post(incident, drillReportMessage(incident, scenario, report, nextDueAt)));
    await store.once(incident.id, 'recorded', async () => {
      const previous = await store.lastTest(scenario.runbook);
      const test: RunbookTest = {
        runbook: scenario.runbook,
        scenario: scenario.id,
        incidentId: incident.id,
        at: testedAt,
        by: incident.reporterId,
        result: report.result,
        missed: report.missed,
        skippedSteps: report.skippedSteps.length,
        nextDueAt,
        reminderJobId,
      };
      await store.recordTest(test);
      if (previous && previous.reminderJobId !== reminderJobId) await this.deps.reminders.remove(previous.reminderJobId);
    });
    const channel = this.deps.config.services[scenario.service]?.channel ?? incident.channelId;
    if (!channel) return;
    const data: DrillReminderJob = { runbook: scenario.runbook, channel };
    const delay = Math.max(0, Date.parse(nextDueAt) - clock.now().getTime());
    await this.deps.reminders.add('drill-due', data, { jobId: reminderJobId, delay });
  }

  private wouldSend(scenario: DrillScenario, incident: Incident, by: string, flag?: string): { what: string; request: string } {
    const deploy = scenario.deploy!;
    const service = this.deps.config.services[scenario.service];
    const base = { service: scenario.service, environment: 'production', incidentId: incident.id, actor: by, reason: `drill ${scenario.id}` };
    if (flag) {
      const flags = service?.flags;
      const body = JSON.stringify({ flag, enabled: false, ...base }, null, 1);
      const target = !flags ? `no flag provider configured for ${scenario.service}` : flags.provider === 'http' ? `POST ${flags.url}` : `${flags.provider} API`;
      return { what: `disable flag ${flag} on ${scenario.service}`, request: `${target}\n${body}` };
    }
    const rollback = service?.rollback;
    const body = JSON.stringify({ action: 'rollback', ...base, fromVersion: deploy.version, toVersion: deploy.previousVersion, strategy: deploy.strategy }, null, 1);
    const target = !rollback
      ? `no rollback executor configured for ${scenario.service}`
      : rollback.executor === 'http'
        ? `POST ${rollback.url}`
        : rollback.executor === 'command'
          ? `run ${rollback.argv.join(' ')}`
          : `kubernetes rollout undo in namespace ${rollback.namespace}`;
    return { what: `rollback of ${scenario.service} ${deploy.version} → ${deploy.previousVersion} (${deploy.strategy})`, request: `${target}\n${body}` };
  }

  private async post(incident: Incident, message: SlackMessage): Promise<void> {
    if (!incident.channelId) throw new Error(`${incident.id} has no channel yet`);
    await this.deps.client().chat.postMessage({ channel: incident.channelId, text: message.text, blocks: message.blocks, unfurl_links: false });
  }
}
