import type { Clock } from '../../lib/clock';
import { humanDuration } from '../../lib/human-duration';
import type { TimerScheduler } from '../escalation/ports';
import { timerId, timerPrefix, type StatusPageReminderTimer } from '../escalation/timers';
import type { IncidentEvent } from '../incidents/events';
import { incidentEventId } from '../incidents/events';
import { isOpen, SYSTEM_ACTOR, type Incident } from '../incidents/model';
import type { IncidentService } from '../incidents/service';
import { applyPublication, componentStateFor, STAGE_LABELS, suggestStage, type PublicIncident, type PublishRequest, type StatusStage } from './model';
import type { PublishQueue, StatusNotifier, StatusProvider, StatusStore } from './ports';
import { draftText, draftTitle, type RenderStatusTemplate, type StatusDraft } from './texts';

export interface StatusPageDeps {
  incidents: IncidentService;
  store: StatusStore;
  queue: PublishQueue;
  notifier: StatusNotifier;
  scheduler: TimerScheduler;
  /** Absent: only Firebreak's own page at /status. */
  provider?: StatusProvider;
  render: RenderStatusTemplate;
  /** policy.yaml statusPage.updateEvery: the public text's age that earns a reminder. */
  updateEveryMs: number;
  clock: Clock;
}

export type FireResult = { fired: true } | { fired: false; why: string; notBefore?: Date };

/** A reminder up to this early (clock skew between replicas) counts as on time. */
const EARLY_TOLERANCE_MS = 250;

/**
 * The public status page. Nothing becomes public without a person's click: Slack proposes the
 * runbook's text, a person reviews it in a modal and submits, the submission becomes one job
 * (deterministic id), and the job records the text, calls the provider and tells the channel,
 * each a step that a retry never repeats.
 */
export class StatusPageService {
  constructor(private readonly deps: StatusPageDeps) {}

  published(incidentId: string): Promise<PublicIncident | undefined> {
    return this.deps.store.get(incidentId);
  }

  list(limit = 50): Promise<PublicIncident[]> {
    return this.deps.store.list(limit);
  }

  /** What the review modal shows: the runbook's text for the stage (or the suggested one). */
  async draft(incident: Incident, stage?: StatusStage): Promise<StatusDraft> {
    const published = await this.deps.store.get(incident.id);
    const chosen = stage ?? suggestStage(incident, published);
    return { stage: chosen, title: draftTitle(incident, published?.title), text: draftText(incident, chosen, this.deps.render, this.deps.updateEveryMs) };
  }

  /** A person's click: queue the publication (the same request twice is one job). */
  async request(request: PublishRequest): Promise<{ jobId: string; queued: boolean }> {
    const incident = await this.deps.incidents.get(request.incidentId);
    if (incident.drill) throw new Error(`${incident.id} is a drill: a drill never touches the status page`);
    return this.deps.queue.enqueue(request);
  }

  /** The job: every side effect a step, so a retry resumes after the last one that happened. */
  async publish(request: PublishRequest): Promise<PublicIncident> {
    const { store, incidents, provider, notifier } = this.deps;
    const incident = await incidents.get(request.incidentId);
    const scope = `${request.incidentId}-${request.requestId}`;
    // The provider first: when it refuses, nothing new is public anywhere (our page included).
    const at = this.deps.clock.now().toISOString();
    const apply = (current: PublicIncident | undefined) => applyPublication(current, request, incident, at);
    let record = apply(await store.get(incident.id));
    const update = record.updates.find((u) => u.id === request.requestId);
    if (!update) throw new Error(`publication ${request.requestId} is missing from ${incident.id}'s public record`);
    if (provider) {
      await store.once(scope, 'provider-incident', async () => {
        const providerIncidentId = await provider.publishIncident(record, update);
        record = await store.update(incident.id, (current) => ({ ...apply(current), providerIncidentId }));
      });
    }
    record = await store.update(incident.id, apply);
    if (provider) {
      const state = componentStateFor(record, update.stage);
      for (const service of record.services) {
        await store.once(scope, `provider-component-${service}`, async () => {
          await provider.setComponent(service, state);
        });
      }
    }
    await store.once(scope, 'timeline', () =>
      incidents.note(incident.id, request.by, 'statuspage', `Published to the status page (${STAGE_LABELS[update.stage]}): ${update.text}`, {
        stage: update.stage,
        title: record.title,
        provider: provider?.name,
        requestId: request.requestId,
      }),
    );
    await store.once(scope, 'channel', () => notifier.published(incident, record, update, request.by));
    await this.scheduleReminder(incident, record);
    return record;
  }

  /** The job gave up (the provider refused it): on the timeline and in the channel. */
  async failed(request: PublishRequest, reason: string): Promise<void> {
    const incident = await this.deps.incidents.get(request.incidentId);
    const scope = `${request.incidentId}-${request.requestId}`;
    await this.deps.store.once(scope, 'failed-timeline', () =>
      this.deps.incidents.note(incident.id, SYSTEM_ACTOR, 'statuspage', `Status page publication failed: ${reason}`, { stage: request.stage, requestId: request.requestId }),
    );
    await this.deps.store.once(scope, 'failed-channel', () => this.deps.notifier.failed(incident, request.stage, reason));
  }

  /** Incident events: propose the runbook's next text to customer-facing incidents (once per event). */
  async handle(event: IncidentEvent): Promise<void> {
    const incident = await this.deps.incidents.find(event.incident.id);
    if (!incident) return;
    const published = await this.deps.store.get(incident.id);
    if (incident.drill || (!incident.customerFacing && !published)) return;
    const propose = (stage: StatusStage, why: string) =>
      this.deps.store.once(incident.id, `propose-${incidentEventId(event)}`, async () => {
        const draft = await this.draft(incident, stage);
        await this.deps.notifier.propose(incident, stage, why, draft.text);
      });
    switch (event.type) {
      case 'opened':
        if (isOpen(incident) && !published) await propose('investigating', 'A customer-facing incident opened');
        return;
      case 'updated':
        if (isOpen(incident)) await propose(suggestStage(incident, published), `Update #${event.incident.updateCount} posted`);
        return;
      case 'resolved':
        if (!isOpen(incident) && published?.stage !== 'resolved') await propose('resolved', 'The incident is resolved');
        return;
      case 'reopened':
        if (isOpen(incident) && published) await propose(suggestStage(incident, published), 'The incident was reopened');
        return;
      default:
        return;
    }
  }

  /** A status page reminder timer fired: the public text is older than the runbook allows. */
  async fire(timer: StatusPageReminderTimer): Promise<FireResult> {
    const { incidents, store, notifier, clock } = this.deps;
    const incident = await incidents.find(timer.incidentId);
    if (!incident || !isOpen(incident)) return { fired: false, why: 'the incident is resolved' };
    const record = await store.get(incident.id);
    if (!record || record.updates.length !== timer.updates) return { fired: false, why: 'a newer public text was published' };
    if (record.stage === 'resolved') return { fired: false, why: 'the public incident is resolved' };
    const now = clock.now();
    const due = Date.parse(timer.dueAt);
    if (due - now.getTime() > EARLY_TOLERANCE_MS) return { fired: false, why: 'not due yet', notBefore: new Date(due) };
    const ageMs = now.getTime() - Date.parse(record.updatedAt);
    const stage = suggestStage(incident, record);
    const scope = timerId(timer);
    await store.once(scope, 'channel', () => notifier.reminder(incident, record, stage, ageMs));
    await store.once(scope, 'timeline', () =>
      incidents.note(incident.id, SYSTEM_ACTOR, 'reminder', `Status page reminder: the public text is ${humanDuration(ageMs)} old`, { round: timer.round }),
    );
    await this.deps.scheduler.schedule(this.reminderTimer(incident, record, timer.round + 1));
    return { fired: true };
  }

  private reminderTimer(incident: Incident, record: PublicIncident, round: number): StatusPageReminderTimer {
    const dueAt = new Date(Date.parse(record.updatedAt) + round * this.deps.updateEveryMs).toISOString();
    return { kind: 'statuspage-reminder', incidentId: incident.id, dueAt, updates: record.updates.length, round };
  }

  /** Each publication starts a new 30 minutes: its reminder replaces the previous one. */
  private async scheduleReminder(incident: Incident, record: PublicIncident): Promise<void> {
    const { scheduler } = this.deps;
    const prefix = timerPrefix.statusPageReminder(incident.id);
    const current = await this.deps.incidents.get(incident.id);
    if (record.stage === 'resolved' || !isOpen(current)) {
      await scheduler.cancel(incident.id, { prefixes: [prefix] });
      return;
    }
    const timer = this.reminderTimer(incident, record, 1);
    await scheduler.schedule(timer);
    await scheduler.cancel(incident.id, { prefixes: [prefix], except: [timerId(timer)] });
  }
}
