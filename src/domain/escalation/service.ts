import { isOpen, SYSTEM_ACTOR, type Incident } from '../incidents/model';
import type { IncidentEvent } from '../incidents/events';
import { levelName } from './describe';
import { policyFor, serviceSettings, TimerFiring, type EscalationDeps, type FireResult } from './firing';
import type { Acknowledgement, EscalationLevel, EscalationState } from './model';
import { ladderTimers, manualEscalationTimer, postmortemTimer, updateReminderTimer } from './plan';
import { currentLevel, dataLossLevel, postmortemDueAt, updateInterval } from './policy';
import { timerId, timerPrefix, type Timer } from './timers';

export type AcknowledgeResult =
  | { kind: 'acknowledged'; level: number }
  | { kind: 'already'; level: number; ack: Acknowledgement }
  | { kind: 'nothing-yet' }
  | { kind: 'resolved' }
  | { kind: 'stale' };

export type EscalateResult =
  | { kind: 'escalating'; level: EscalationLevel }
  | { kind: 'already'; level: number }
  | { kind: 'top'; level: number }
  | { kind: 'resolved' }
  | { kind: 'stale' };

/**
 * Escalation on a timer: reacts to incident events by scheduling, moving and cancelling durable
 * timers; fires them (see TimerFiring); and takes acknowledgements and manual escalations.
 */
export class EscalationService {
  private readonly firing: TimerFiring;

  constructor(private readonly deps: EscalationDeps) {
    this.firing = new TimerFiring(deps);
  }

  fire(timer: Timer): Promise<FireResult> {
    return this.firing.fire(timer);
  }

  /** An incident event handler: every branch is safe to run twice (event jobs are retried). */
  async handle(event: IncidentEvent): Promise<void> {
    // Act on the incident as it is now, not as it was when the event was published.
    const incident = await this.deps.incidents.find(event.incident.id);
    if (!incident) return;
    switch (event.type) {
      case 'opened':
        if (!isOpen(incident)) return;
        await this.scheduleLadder(incident);
        await this.scheduleUpdateReminder(incident, await this.deps.store.get(incident.id));
        return this.unlessResolvedSince(incident.id);
      case 'severity-changed':
        if (!isOpen(incident)) return;
        await this.scheduleLadder(incident);
        return this.unlessResolvedSince(incident.id);
      case 'updated':
        if (!isOpen(incident)) return;
        await this.scheduleUpdateReminder(incident, await this.deps.store.get(incident.id));
        return this.unlessResolvedSince(incident.id);
      case 'resolved':
        return this.onResolved(incident);
      case 'reopened':
        return this.onReopened(incident, event.sequence);
      case 'commander-changed':
      case 'postmortem-requested':
        return; // reminders read the commander when they fire
    }
  }

  /** `/incident ack` (the current level) or the Acknowledge button (its level). */
  async acknowledge(incidentId: string, by: string, button?: { level: number; epoch: number }): Promise<AcknowledgeResult> {
    const { incidents, store, scheduler, notifier, clock } = this.deps;
    const incident = await incidents.get(incidentId);
    if (!isOpen(incident)) return { kind: 'resolved' };
    const state = await store.get(incidentId);
    if (button && button.epoch !== state.epoch) return { kind: 'stale' };
    const level = button?.level ?? currentLevel(state);
    if (level === 0) return { kind: 'nothing-yet' };
    const result = await store.acknowledge(incidentId, state.epoch, level, { by, at: clock.now().toISOString() });
    if (!result.first) return { kind: 'already', level, ack: result.ack };
    await incidents.note(incidentId, by, 'acknowledged', `Acknowledged escalation level ${level}`, { level, epoch: state.epoch });
    await this.deps.onAcknowledged?.(incident, level, result.ack);
    // Reminders of this level and the ones below stop (they would also see the ack when firing).
    const prefixes = Array.from({ length: level }, (_, i) => `${timerPrefix.escalationLevel(incidentId, state.epoch, i + 1)}-r`);
    await scheduler.cancel(incidentId, { prefixes });
    await notifier.acknowledged(incident, level, result.ack);
    return { kind: 'acknowledged', level };
  }

  /** `/incident escalate` (from the current level) or Escalate now (from the button's level): the next level, now. */
  async escalateNow(incidentId: string, by: string, button?: { level: number; epoch: number }): Promise<EscalateResult> {
    const { incidents, store, scheduler, clock } = this.deps;
    const incident = await incidents.get(incidentId);
    if (!isOpen(incident)) return { kind: 'resolved' };
    const state = await store.get(incidentId);
    if (button && button.epoch !== state.epoch) return { kind: 'stale' };
    const policy = policyFor(incident, this.deps);
    const current = currentLevel(state);
    const target = (button?.level ?? current) + 1;
    const level = policy.levels[target - 1];
    if (!level) return { kind: 'top', level: policy.levels.length };
    // Two people pressing at once, or one pressing twice, ask for the same level: one job.
    if (target <= current) return { kind: 'already', level: target };
    await scheduler.schedule(manualEscalationTimer(incidentId, state.epoch, target, by, clock.now()));
    await incidents.note(incidentId, by, 'escalation', `Asked to escalate to ${levelName(level)} now`, { level: target });
    return { kind: 'escalating', level };
  }

  /**
   * **Data loss risk** (button or `/incident escalate data-loss`): the template's level 3 at once,
   * whatever level the incident is at; on the timeline who flagged it.
   */
  async escalateDataLoss(incidentId: string, by: string): Promise<EscalateResult> {
    const { incidents, store, scheduler, clock } = this.deps;
    const incident = await incidents.get(incidentId);
    if (!isOpen(incident)) return { kind: 'resolved' };
    const state = await store.get(incidentId);
    const level = dataLossLevel(policyFor(incident, this.deps));
    if (!level) return { kind: 'top', level: 0 };
    if (state.notified[level.level] !== undefined) return { kind: 'already', level: level.level };
    await scheduler.schedule(manualEscalationTimer(incidentId, state.epoch, level.level, by, clock.now(), true));
    await incidents.note(incidentId, by, 'escalation', `Flagged a data loss risk: escalating to ${levelName(level)} now`, { level: level.level, dataLoss: true });
    return { kind: 'escalating', level };
  }

  /**
   * May `userId` press the escalation buttons of a message about `level`? Only the people paged at
   * that level or an earlier one, the service's responders and the incident's commander may (user
   * groups count by membership). A refusal goes on the timeline.
   */
  async mayAct(incidentId: string, userId: string, level: number, action: string): Promise<boolean> {
    const incident = await this.deps.incidents.get(incidentId);
    const policy = policyFor(incident, this.deps);
    const paged = policy.levels.slice(0, Math.max(level, 1)).flatMap((l) => l.notify);
    const responders = serviceSettings(incident, this.deps)?.responders ?? [];
    const direct = [incident.commanderId, ...paged, ...responders];
    if (direct.includes(userId)) return true;
    // Expanded the way the pages were sent (user groups → members), so whoever got a DM may act.
    const indirect = [...paged, ...responders].filter((id) => !/^[UW]/.test(id));
    if (indirect.length > 0 && (await this.deps.notifier.expand(indirect)).includes(userId)) return true;
    await this.deps.incidents.note(incidentId, userId, 'escalation-refused', `Refused ${action} (level ${level}): not paged at this level nor a responder`, { level, action });
    return false;
  }

  /** Join channel: invite the person who pressed it. */
  async joinChannel(incidentId: string, userId: string): Promise<string | undefined> {
    const incident = await this.deps.incidents.get(incidentId);
    if (!incident.channelId) return undefined;
    await this.deps.notifier.invite(incident.channelId, userId);
    await this.deps.incidents.note(incidentId, userId, 'joined', 'Joined the channel from an escalation');
    return incident.channelId;
  }

  /** `/incident postmortem scheduled`: no postmortem reminder for this incident. */
  async markPostmortemScheduled(incidentId: string, by: string): Promise<{ first: boolean; ack: Acknowledgement }> {
    const { incidents, store, scheduler, clock } = this.deps;
    await incidents.get(incidentId);
    const result = await store.markPostmortemScheduled(incidentId, { by, at: clock.now().toISOString() });
    if (result.first) {
      await scheduler.cancel(incidentId, { prefixes: [timerPrefix.postmortemReminder(incidentId)] });
      await incidents.note(incidentId, by, 'postmortem', 'Postmortem marked as scheduled');
    }
    return result;
  }

  /**
   * Timers were just scheduled for an open incident; if it was resolved meanwhile (its resolve
   * handler may already have cancelled everything), take the ladder and reminders back out, so no
   * timer is left armed in a resolved incident. A resolve stored after this check publishes its own
   * event, whose handler cancels what is scheduled now.
   */
  private async unlessResolvedSince(incidentId: string): Promise<void> {
    const now = await this.deps.incidents.find(incidentId);
    if (now && isOpen(now)) return;
    await this.deps.scheduler.cancel(incidentId, { prefixes: [timerPrefix.escalation(incidentId), timerPrefix.updateReminder(incidentId)] });
  }

  private async scheduleLadder(incident: Incident): Promise<void> {
    const state = await this.deps.store.get(incident.id);
    for (const timer of ladderTimers(incident, state, policyFor(incident, this.deps))) await this.deps.scheduler.schedule(timer);
  }

  /** Each update starts a new silence: its reminder replaces the previous one. */
  private async scheduleUpdateReminder(incident: Incident, state: EscalationState): Promise<void> {
    const every = updateInterval(serviceSettings(incident, this.deps), this.deps.defaults);
    const timer = updateReminderTimer(incident, state, every);
    await this.deps.scheduler.schedule(timer);
    await this.deps.scheduler.cancel(incident.id, { prefixes: [timerPrefix.updateReminder(incident.id)], except: [timerId(timer)] });
  }

  private async onResolved(incident: Incident): Promise<void> {
    const { store, scheduler, notifier, incidents, defaults } = this.deps;
    if (isOpen(incident)) return; // reopened since: the reopen handles its timers
    await scheduler.cancel(incident.id);
    if (incident.drill) return; // a drill reports instead of asking for a postmortem
    const timer = postmortemTimer(incident, defaults.postmortem);
    if (!timer) return;
    const dueAt = postmortemDueAt(timer.resolvedAt, defaults.postmortem);
    await store.once(incident.id, `${timerId(timer)}-announce`, () => notifier.postmortem({ incident, kind: 'announcement', dueAt }));
    await store.once(incident.id, `${timerId(timer)}-announce-timeline`, () =>
      incidents.note(incident.id, SYSTEM_ACTOR, 'postmortem', `Postmortem due by ${dueAt.toISOString()}`, { dueAt: dueAt.toISOString() }),
    );
    if (!(await store.get(incident.id)).postmortemScheduled) await scheduler.schedule(timer);
  }

  /** A reopened incident climbs a fresh ladder counted from now. */
  private async onReopened(incident: Incident, sequence: number): Promise<void> {
    if (!isOpen(incident)) return; // resolved again since
    const state = await this.deps.store.restart(incident.id, sequence, this.deps.clock.now().toISOString());
    if (state.epoch !== sequence) return; // reopened again since: that reopen owns the ladder
    await this.deps.scheduler.cancel(incident.id, { prefixes: [timerPrefix.postmortemReminder(incident.id)] });
    await this.scheduleLadder(incident);
    await this.scheduleUpdateReminder(incident, state);
  }
}
