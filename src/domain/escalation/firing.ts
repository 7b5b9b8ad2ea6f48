import type { Clock } from '../../lib/clock';
import { humanDuration } from '../../lib/human-duration';
import { isOpen, SYSTEM_ACTOR, type Incident } from '../incidents/model';
import type { IncidentService } from '../incidents/service';
import { levelName, plainMention, reasonText, targetsText } from './describe';
import type { Acknowledgement, EscalationDefaults, EscalationPolicy, EscalationReason, LevelNotice, ServiceEscalationSettings } from './model';
import { renotifyTimer, updateReminderTimer } from './plan';
import {
  acknowledgementOf,
  announcedInChannel,
  ladderAnchor,
  levelDueAt,
  postmortemDueAt,
  resolvePolicy,
  silenceStart,
  timerReason,
  updateInterval,
  updateReminderDueAt,
} from './policy';
import type { EscalationNotifier, EscalationStore, TargetResolver, TimerScheduler } from './ports';
import { timerStep, type EscalationTimer, type PostmortemTimer, type Timer, type UpdateReminderTimer } from './timers';

export interface EscalationDeps {
  incidents: IncidentService;
  store: EscalationStore;
  scheduler: TimerScheduler;
  notifier: EscalationNotifier;
  /** Per-service settings (config file `services`). */
  services: Record<string, ServiceEscalationSettings>;
  defaults: EscalationDefaults;
  clock: Clock;
  /** Turns `rotation:`/`pagerduty:`/`opsgenie:` targets into whoever is on call when a level fires. */
  targets?: TargetResolver;
  /** Told of each first acknowledgement of a level (the PagerDuty mirror); must not throw. */
  onAcknowledged?: (incident: Incident, level: number, ack: Acknowledgement) => Promise<void>;
}

/** What firing a timer did: acted, skipped (and why), or found itself early and must wait. */
export type FireResult = { fired: true } | { fired: false; why: string; notBefore?: Date };

/** A timer up to this early (clock skew between replicas) counts as on time. */
const EARLY_TOLERANCE_MS = 250;

const skipped = (why: string): FireResult => ({ fired: false, why });

export function serviceSettings(incident: Incident, deps: Pick<EscalationDeps, 'services'>): ServiceEscalationSettings | undefined {
  return incident.service ? deps.services[incident.service] : undefined;
}

export function policyFor(incident: Incident, deps: Pick<EscalationDeps, 'services' | 'defaults'>): EscalationPolicy {
  // A drill pages only its participants (who started it and whom it names), never the real ladder.
  if (incident.drill) {
    const { p0SkipsToLevel, renotifyEvery } = deps.defaults.escalation;
    return { levels: [{ level: 1, after: 0, notify: [...new Set(incident.drill.participants)] }], p0SkipsToLevel: Math.min(p0SkipsToLevel, 1), renotifyEvery };
  }
  return resolvePolicy(serviceSettings(incident, deps), deps.defaults.escalation);
}

/**
 * What happens when a timer fires. It re-reads the incident and its ladder first: nothing fires
 * into a resolved incident, a stale timer (earlier ladder, older update) does nothing, and every
 * step (each DM, the channel line, the timeline entry) runs once even if the job is retried.
 */
export class TimerFiring {
  constructor(private readonly deps: EscalationDeps) {}

  async fire(timer: Timer): Promise<FireResult> {
    const incident = await this.deps.incidents.find(timer.incidentId);
    if (!incident) return skipped('the incident does not exist');
    switch (timer.kind) {
      case 'escalation':
        return this.escalate(incident, timer);
      case 'update-reminder':
        return this.remindUpdate(incident, timer);
      case 'postmortem-reminder':
        return this.remindPostmortem(incident, timer);
      case 'statuspage-reminder':
        return skipped('status page reminders are fired by the status page service');
    }
  }

  private async escalate(incident: Incident, timer: EscalationTimer): Promise<FireResult> {
    const { store, notifier, scheduler, clock } = this.deps;
    if (!isOpen(incident)) return skipped('the incident is resolved');
    const state = await store.get(incident.id);
    if (state.epoch !== timer.epoch) return skipped('the timer belongs to an earlier ladder');
    const policy = policyFor(incident, this.deps);
    let level = policy.levels[timer.level - 1];
    if (!level) return skipped(`level ${timer.level} is no longer configured`);
    const now = clock.now();
    if (timer.round === 0 && !timer.escalatedBy) {
      const due = levelDueAt(policy, level, incident.severity, ladderAnchor(incident, state));
      if (due.getTime() - now.getTime() > EARLY_TOLERANCE_MS) return { fired: false, why: 'not due yet', notBefore: due };
    }
    if (timer.round > 0 && acknowledgementOf(state, level.level)) return skipped('the level was acknowledged');
    if (this.deps.targets) level = { ...level, notify: await this.deps.targets.resolve(level.notify, { incident, at: now }) };

    const notifiedAt =
      timer.round === 0 ? await store.markNotified(incident.id, timer.epoch, level.level, now.toISOString()) : (state.notified[level.level] ?? now.toISOString());
    const reason: EscalationReason = timer.escalatedBy
      ? { kind: timer.dataLoss ? 'data-loss' : 'manual', by: timer.escalatedBy }
      : timerReason(policy, level, incident.severity);
    const notice: LevelNotice = { incident, level, epoch: timer.epoch, round: timer.round, reason, latestUpdate: await this.latestUpdate(incident), now };
    const users = await notifier.expand(level.notify);
    if (!(await this.stillOpen(incident.id))) return skipped('the incident was resolved meanwhile');

    for (const user of users) await store.once(incident.id, timerStep(timer, `dm-${user}`), () => notifier.directMessage(user, notice));
    if (timer.round === 0 && announcedInChannel(level, reason, incident.service)) {
      await store.once(incident.id, timerStep(timer, 'channel'), () => notifier.escalationLine(notice));
    }
    const text =
      timer.round === 0
        ? `Escalated to ${levelName(level)}: ${targetsText(level, plainMention)} — ${reasonText(reason, plainMention)}`
        : `Re-notified ${levelName(level)} (reminder ${timer.round}, not acknowledged): ${targetsText(level, plainMention)}`;
    await store.once(incident.id, timerStep(timer, 'timeline'), () =>
      this.deps.incidents.note(incident.id, SYSTEM_ACTOR, 'escalation', text, { level: level.level, round: timer.round, epoch: timer.epoch, users, reason }),
    );

    // The reminder re-reads the acknowledgements when it fires; one given meanwhile silences it.
    if (users.length > 0) {
      await scheduler.schedule(renotifyTimer(timer, notifiedAt, policy.renotifyEvery));
    }
    return { fired: true };
  }

  private async remindUpdate(incident: Incident, timer: UpdateReminderTimer): Promise<FireResult> {
    const { store, notifier, scheduler, clock } = this.deps;
    if (!isOpen(incident)) return skipped('the incident is resolved');
    const state = await store.get(incident.id);
    if (state.epoch !== timer.epoch) return skipped('the timer belongs to an earlier ladder');
    if (incident.updateCount !== timer.updateCount) return skipped('an update was posted since');
    const every = updateInterval(serviceSettings(incident, this.deps), this.deps.defaults);
    const anchor = ladderAnchor(incident, state);
    const now = clock.now();
    const due = updateReminderDueAt(incident, anchor, every, timer.round);
    if (due.getTime() - now.getTime() > EARLY_TOLERANCE_MS) return { fired: false, why: 'not due yet', notBefore: due };

    const silentFor = now.getTime() - silenceStart(incident, anchor).getTime();
    await store.once(incident.id, timerStep(timer, 'channel'), () => notifier.updateReminder({ incident, silentFor, interval: every, epoch: timer.epoch }));
    await store.once(incident.id, timerStep(timer, 'timeline'), () =>
      this.deps.incidents.note(incident.id, SYSTEM_ACTOR, 'reminder', `Update reminder to ${plainMention(incident.commanderId)}: no update for ${humanDuration(silentFor)}`, {
        round: timer.round,
      }),
    );
    await scheduler.schedule(updateReminderTimer(incident, state, every, timer.round + 1));
    return { fired: true };
  }

  private async remindPostmortem(incident: Incident, timer: PostmortemTimer): Promise<FireResult> {
    const { store, notifier } = this.deps;
    if (incident.status !== 'resolved' || incident.resolvedAt !== timer.resolvedAt) return skipped('the incident was reopened');
    const state = await store.get(incident.id);
    if (state.postmortemScheduled) return skipped('the postmortem is scheduled');
    const dueAt = postmortemDueAt(timer.resolvedAt, this.deps.defaults.postmortem);
    await store.once(incident.id, timerStep(timer, 'channel'), () => notifier.postmortem({ incident, kind: 'reminder', dueAt }));
    await store.once(incident.id, timerStep(timer, 'timeline'), () =>
      this.deps.incidents.note(incident.id, SYSTEM_ACTOR, 'reminder', `Postmortem reminder to ${plainMention(incident.commanderId)}: due by ${dueAt.toISOString()}`),
    );
    return { fired: true };
  }

  private async stillOpen(incidentId: string): Promise<boolean> {
    const incident = await this.deps.incidents.find(incidentId);
    return incident !== undefined && isOpen(incident);
  }

  private async latestUpdate(incident: Incident): Promise<string | undefined> {
    if (incident.updateCount === 0) return undefined;
    const timeline = await this.deps.incidents.timeline(incident.id);
    return timeline.filter((entry) => entry.kind === 'update').at(-1)?.text;
  }
}
