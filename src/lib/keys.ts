/**
 * Every Redis key name Firebreak uses, built in one place. `prefix` isolates deployments
 * (and tests: each test gets its own). Ids never contain ':' so keys stay unambiguous.
 */
export function redisKeys(prefix = 'fb') {
  const k = (...parts: string[]) => [prefix, ...parts].join(':');
  return {
    prefix,
    /** BullMQ's own prefix for queues, so one Redis can host several Firebreaks. */
    bullPrefix: k('bull'),

    // incidents
    incident: (id: string) => k('incident', id),
    incidentTimeline: (id: string) => k('incident', id, 'timeline'),
    incidentChecklist: (id: string) => k('incident', id, 'checklist'),
    incidentPublication: (id: string) => k('incident', id, 'publication'),
    /** One Slack effect of an incident event (a post, a topic, a pin) that must happen once. */
    incidentStep: (id: string, step: string) => k('incident', id, 'step', step),
    incidentByChannel: () => k('incidents', 'by-channel'),
    incidentsOpen: () => k('incidents', 'open'),
    incidentsAll: () => k('incidents', 'all'),
    incidentOpenForService: () => k('incidents', 'open-by-service'),
    incidentSequence: () => k('incidents', 'seq'),
    channelNames: () => k('incidents', 'channel-names'),

    // inbound dedupe (Slack retries, webhook redeliveries)
    seen: (scope: string, id: string) => k('seen', scope, id),

    // deploys and alerts
    deploy: (id: string) => k('deploy', id),
    deploysByService: (service: string, environment: string) => k('deploys', service, environment),
    /** Dedupe keys of the deploy events of a service's current version in one environment. */
    deployDedupeFor: (service: string, environment: string) => k('deploy-dedupe', service, environment),
    /** The environments a service was deployed to, for questions that span them all. */
    deployEnvironments: (service: string) => k('deploy-environments', service),
    alert: (fingerprint: string) => k('alert', fingerprint),
    alertsByService: (service: string) => k('alerts', service),
    /** Fingerprints whose state changed and are not yet shown in Slack, per service. */
    alertsPending: (service: string) => k('alerts-pending', service),
    alertsPendingServices: () => k('alerts-pending', 'services'),
    /** The batch of a service's alerts being shown now (they leave Redis only once shown). */
    alertsInflight: (service: string) => k('alerts-inflight', service),
    /** The id of that batch (`current`) and the service's batch sequence (`seq`). */
    alertsBatch: (service: string) => k('alerts-batch', service),
    /** One effect of an alert batch (card posted, card updated, thread updated) that must happen once. */
    alertStep: (service: string, step: string) => k('alerts-step', service, step),
    /** The alert card currently shown for a service (no incident yet). */
    alertCard: (service: string) => k('alert-card', service),

    // remediation
    action: (id: string) => k('action', id),
    /** Which action holds a target (a deploy's rollback, a flag) across alert cards and incidents. */
    actionTarget: (target: string) => k('action-target', target),
    /** Audit of remediation clicks and job states for a context without an incident timeline. */
    remediationAudit: (contextKind: string, contextId: string) => k('remediation-audit', contextKind, contextId),
    usergroupMembers: (groupId: string) => k('usergroup', groupId),

    // escalation
    escalation: (incidentId: string) => k('escalation', incidentId),
    /** Ids of the incident's timer jobs, so resolve can cancel them all. */
    escalationTimers: (incidentId: string) => k('escalation', incidentId, 'timers'),
    /** One step of a fired timer (a DM, a channel line) that must happen once. */
    escalationStep: (incidentId: string, step: string) => k('escalation', incidentId, 'step', step),

    // on call
    /** A rotation's overrides (sorted set by end time). */
    oncallOverrides: (rotation: string) => k('oncall', 'overrides', rotation),
    /** Who took which shift, newest first (the audit of /incident oncall override). */
    oncallAudit: () => k('oncall', 'audit'),
    /** The last answer of an external schedule (`pagerduty:<id>`), with when it was fetched. */
    oncallExternal: (target: string) => k('oncall', 'external', target),
    /** A Slack user id by email (users.lookupByEmail), cached. */
    oncallEmail: (email: string) => k('oncall', 'email', email),
    /** A step done once (a handoff line, a stale-schedule notice, a PagerDuty event). */
    oncallStep: (step: string) => k('oncall', 'step', step),

    // guard
    /** The deploy a service's guard is watching now. */
    guard: (service: string) => k('guard', service),
    /** One deploy's guard window (state, breaches, problems). */
    guardWindow: (deployId: string) => k('guard-window', deployId),
    /** Steps the guard did once for a deploy (card posted, incident opened, rollback asked for). */
    guardSteps: (deployId: string) => k('guard-window', deployId, 'steps'),
    /** Readings taken from Prometheus for a deploy, one entry per evaluation. */
    guardReadings: (deployId: string) => k('guard-window', deployId, 'readings'),
    /** Samples pushed to POST /webhooks/metrics, by time. */
    metricSamples: (service: string, environment: string, signal: string) => k('metric-samples', service, environment, signal),

    // sandbox workspace (src/sandbox): its embedded Slack's channels, messages, views, files
    sandbox: (...parts: string[]) => k('sandbox', ...parts),
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/** Turn any text into something safe inside a key or a BullMQ job id (no ':'). */
export function keySafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._\-/@]/g, '_');
}
