import { createHash } from 'node:crypto';

/** Characters a name keeps as they are inside a key: no ':' (our separator), '%' (our escape), no glob or hash-tag characters. */
const KEPT = /^[A-Za-z0-9._\-@/+=,]$/;
/** Longer escaped names are cut and end in a hash of the whole name. */
const MAX_PART = 128;
/** A name that needs no escaping and is short enough: kept as it is (most names, checked at once). */
const ALL_KEPT = /^[A-Za-z0-9._\-@/+=,]{0,128}$/;

/**
 * A name from outside (a service, an environment, a fingerprint…) as one segment of a key:
 * ordinary names stay as they are (`checkout`, `production`); any other character becomes `%XX`
 * (`%uXXXX` beyond ASCII), so no name can contain ':' or pose as another key; a name longer than
 * 128 characters once escaped keeps its first 64 and then `%h` and a sha256 of the whole name.
 * One-to-one: `%` is always followed by two hex digits, `u` or `h`.
 */
export function keyPart(name: string): string {
  if (ALL_KEPT.test(name)) return name;
  let escaped = '';
  for (const char of name) {
    if (KEPT.test(char)) escaped += char;
    else
      for (let i = 0; i < char.length; i += 1) {
        const unit = char.charCodeAt(i);
        escaped += unit < 0x80 ? `%${unit.toString(16).padStart(2, '0').toUpperCase()}` : `%u${unit.toString(16).padStart(4, '0').toUpperCase()}`;
      }
  }
  if (escaped.length <= MAX_PART) return escaped;
  return `${escaped.slice(0, 64).replace(/%[0-9A-Fu]{0,4}$/, '')}%h${createHash('sha256').update(name).digest('hex')}`;
}

/**
 * Every Redis key name Firebreak uses, built in one place. `prefix` isolates deployments
 * (and tests: each test gets its own). Fixed words are written here; every name a builder takes
 * goes through `keyPart`, so no two builders can produce the same key (test/unit/lib/keys.test.ts).
 *
 * Redis Cluster: keys that one Lua script or MULTI uses together carry the same hash tag (`{…}`,
 * the only part the slot is computed from), and the tag names the thing the work is about, so work
 * spreads over the masters (test/unit/lib/key-slots.test.ts, test/integration/cluster):
 * - `{incident:ID}` one incident: document, timeline, checklist, publication, steps, escalation, drill;
 * - `{incidents}` the incident indexes (open, all, by channel, by service), the number sequence,
 *   channel names and open-request claims: small, and opening needs them together;
 * - `{service:NAME}` one service's deploys, alerts (each alert's state and the indexes), digest
 *   batches, alert card, guard pointer, metric samples;
 * - `{actions}` remediation actions and the targets they hold (a claim checks the holder's state);
 * - `{oncall}` overrides and their audit; `{status}` the public status page; `{sandbox}` the dev sandbox.
 * Every other key is used alone and has no tag: its whole name spreads it (deploys and guard
 * windows by id, dedupe marks, buttons, steps…).
 */
export function redisKeys(prefix = 'fb') {
  if (/[{}]/.test(prefix)) throw new Error(`Redis key prefix "${prefix}" must not contain "{" or "}" (they choose Redis Cluster slots)`);
  const k = (...parts: string[]) => [prefix, ...parts].join(':');
  /** A key in the slot of `tag` (Redis Cluster hashes only what is inside the first `{…}`). */
  const t = (tag: string, ...parts: string[]) => [prefix, `{${tag}}`, ...parts].join(':');
  const inc = (id: string, ...parts: string[]) => t(`incident:${keyPart(id)}`, ...parts);
  const svc = (service: string, ...parts: string[]) => t(`service:${keyPart(service)}`, ...parts);
  return {
    prefix,
    /** BullMQ's own prefix for queues, so one Redis can host several Firebreaks. */
    bullPrefix: k('bull'),

    // incidents
    incident: (id: string) => inc(id),
    incidentTimeline: (id: string) => inc(id, 'timeline'),
    incidentChecklist: (id: string) => inc(id, 'checklist'),
    incidentPublication: (id: string) => inc(id, 'publication'),
    /** One Slack effect of an incident event (a post, a topic, a pin) that must happen once. */
    incidentStep: (id: string, step: string) => inc(id, 'step', keyPart(step)),
    incidentByChannel: () => t('incidents', 'by-channel'),
    incidentsOpen: () => t('incidents', 'open'),
    incidentsAll: () => t('incidents', 'all'),
    incidentOpenForService: () => t('incidents', 'open-by-service'),
    incidentSequence: () => t('incidents', 'seq'),
    channelNames: () => t('incidents', 'channel-names'),
    /** The incident a request (a command, a button, an alert) opened, and what it was opened with. */
    incidentRequest: (requestKey: string) => t('incidents', 'request', keyPart(requestKey)),
    /** The revision of each incident the indexes above reflect (they follow the documents, never go back). */
    incidentIndexed: () => t('incidents', 'indexed'),

    // inbound dedupe (Slack retries, webhook redeliveries)
    seen: (scope: string, id: string) => k('seen', keyPart(scope), keyPart(id)),

    // deploys and alerts
    deploy: (id: string) => k('deploy', keyPart(id)),
    deploysByService: (service: string, environment: string) => svc(service, 'deploys', keyPart(environment)),
    /** Dedupe keys of the deploy events of a service's current version in one environment. */
    deployDedupeFor: (service: string, environment: string) => svc(service, 'deploy-dedupe', keyPart(environment)),
    /** The environments a service was deployed to, for questions that span them all. */
    deployEnvironments: (service: string) => svc(service, 'deploy-environments'),
    /** Where a deploy's announcement was posted ({channel, ts}), and the steps of its announcements. */
    deployAnnouncement: (deployId: string) => k('deploy-announcement', keyPart(deployId)),
    deployAnnouncementStep: (deployId: string, step: string) => k('deploy-announcement', keyPart(deployId), 'step', keyPart(step)),
    /** One alert's state, in its service's slot (intake records a service's alerts and index in one script). */
    alert: (service: string, fingerprint: string) => svc(service, 'alert', keyPart(fingerprint)),
    alertsByService: (service: string) => svc(service, 'alerts'),
    /** Fingerprints whose state changed and are not yet shown in Slack, per service. */
    alertsPending: (service: string) => svc(service, 'alerts-pending'),
    alertsPendingServices: () => k('alerts-pending-services'),
    /** Set while a service's digest job waits to start, so intake adds no job when one is waiting. */
    alertsDigestQueued: (service: string) => svc(service, 'alerts-digest-queued'),
    /** When a source's heartbeat (Watchdog) last arrived. */
    heartbeat: (source: string) => k('heartbeat', keyPart(source)),
    /** The batch of a service's alerts being shown now (they leave Redis only once shown). */
    alertsInflight: (service: string) => svc(service, 'alerts-inflight'),
    /** The id of that batch (`current`) and the service's batch sequence (`seq`). */
    alertsBatch: (service: string) => svc(service, 'alerts-batch'),
    /** One effect of an alert batch (card posted, card updated, thread updated) that must happen once. */
    alertStep: (service: string, step: string) => svc(service, 'alerts-step', keyPart(step)),
    /** The alert card currently shown for a service (no incident yet). */
    alertCard: (service: string) => svc(service, 'alert-card'),

    // remediation
    action: (id: string) => t('actions', 'action', keyPart(id)),
    /** Which action holds a target (a deploy's rollback, a flag) across alert cards and incidents. */
    actionTarget: (target: string) => t('actions', 'target', keyPart(target)),
    /** Audit of remediation clicks and job states for a context without an incident timeline. */
    remediationAudit: (contextKind: string, contextId: string) => k('remediation-audit', keyPart(contextKind), keyPart(contextId)),
    /** What one Rollback / Disable flag button was rendered for (its value holds only this id). */
    remediationButton: (offerId: string) => k('remediation-button', keyPart(offerId)),
    usergroupMembers: (groupId: string) => k('usergroup', keyPart(groupId)),

    // escalation
    escalation: (incidentId: string) => inc(incidentId, 'escalation'),
    /** Ids of the incident's timer jobs, so resolve can cancel them all. */
    escalationTimers: (incidentId: string) => inc(incidentId, 'escalation', 'timers'),
    /** One step of a fired timer (a DM, a channel line) that must happen once. */
    escalationStep: (incidentId: string, step: string) => inc(incidentId, 'escalation', 'step', keyPart(step)),

    // on call
    /** A rotation's overrides (sorted set by end time). */
    oncallOverrides: (rotation: string) => t('oncall', 'overrides', keyPart(rotation)),
    /** Who took which shift, newest first (the audit of /incident oncall override). */
    oncallAudit: () => t('oncall', 'audit'),
    /** The last answer of an external schedule (`pagerduty:<id>`), with when it was fetched. */
    oncallExternal: (target: string) => k('oncall', 'external', keyPart(target)),
    /** A Slack user id by email (users.lookupByEmail), cached. */
    oncallEmail: (email: string) => k('oncall', 'email', keyPart(email)),
    /** A step done once (a handoff line, a stale-schedule notice, a PagerDuty event). */
    oncallStep: (step: string) => k('oncall', 'step', keyPart(step)),

    // guard
    /** The deploy a service's guard is watching now. */
    guard: (service: string) => svc(service, 'guard'),
    /** One deploy's guard window (state, breaches, problems). */
    guardWindow: (deployId: string) => k('guard-window', keyPart(deployId)),
    /** Steps the guard did once for a deploy (card posted, incident opened, rollback asked for). */
    guardSteps: (deployId: string) => k('guard-window', keyPart(deployId), 'steps'),
    /** Readings taken from Prometheus for a deploy, one entry per evaluation. */
    guardReadings: (deployId: string) => k('guard-window', keyPart(deployId), 'readings'),
    /** Samples pushed to POST /webhooks/metrics, by time (one service's signals go together). */
    metricSamples: (service: string, environment: string, signal: string) => svc(service, 'metric-samples', keyPart(environment), keyPart(signal)),

    // recovery watch after a rollback or flag-off (one watch per action run)
    /** One side effect of a watch (a result posted, the escalation) or a value kept once (a check's verdict). */
    recoveryStep: (watch: string, step: string) => k('recovery', keyPart(watch), 'step', keyPart(step)),
    /** Post-rollback checklist items ticked. */
    recoveryChecklist: (watch: string) => k('recovery', keyPart(watch), 'checklist'),

    // public status page
    /** What the public sees of one incident (only what people published). */
    statusIncident: (incidentId: string) => t('status', 'incident', keyPart(incidentId)),
    /** Public incidents by last publication time. */
    statusIncidents: () => t('status', 'incidents'),
    /** One step of a publication or proposal (provider call, channel post) that must happen once. */
    statusStep: (scope: string, step: string) => k('status', 'step', keyPart(scope), keyPart(step)),
    // drills: a drill's steps done once and runbook steps ticked; each runbook's last test
    drill: (incidentId: string, part: 'once' | 'ticked') => inc(incidentId, 'drill', keyPart(part)),
    runbookTests: () => k('runbook-tests'),

    // sandbox workspace (src/sandbox): its embedded Slack's channels, messages, views, files
    sandbox: (...parts: string[]) => t('sandbox', ...parts.map(keyPart)),
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/** Turn any text into something safe inside a key or a BullMQ job id (no ':'). */
export function keySafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._\-/@]/g, '_');
}
