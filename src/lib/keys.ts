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
    deployDedupe: () => k('deploys', 'dedupe'),
    /** Dedupe keys of the deploy events of a service's current version in one environment. */
    deployDedupeFor: (service: string, environment: string) => k('deploy-dedupe', service, environment),
    /** The environments a service was deployed to, for questions that span them all. */
    deployEnvironments: (service: string) => k('deploy-environments', service),
    alert: (fingerprint: string) => k('alert', fingerprint),
    alertsByService: (service: string) => k('alerts', service),
    webhookEvent: (id: string) => k('webhook-event', id),

    // remediation
    action: (id: string) => k('action', id),
    usergroupMembers: (groupId: string) => k('usergroup', groupId),

    // escalation
    escalation: (incidentId: string) => k('escalation', incidentId),

    // guard
    guard: (service: string) => k('guard', service),
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/** Turn any text into something safe inside a key or a BullMQ job id (no ':'). */
export function keySafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._\-/@]/g, '_');
}
