import { z } from 'zod';
import { durationSchema } from '../lib/duration';
import type { Issue } from '../lib/errors';
import type { Rotation } from '../domain/oncall/model';

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const rotationSchema = z.object({
  members: z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id (U…)')).min(1, 'name at least one member'),
  start: z.iso.datetime({ offset: true }),
  length: durationSchema.refine((ms) => ms >= 60_000, 'a turn lasts at least 1m'),
  timezone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Berlin').optional(),
});

/** Config `oncall`: rotations; `cacheFor` how long an external schedule's answer is reused. */
export const oncallSchema = z
  .object({
    rotations: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'rotation names: letters, digits, -, _ and .'), rotationSchema).default({}),
    cacheFor: durationSchema.default(60_000),
  })
  .default({ rotations: {}, cacheFor: 60_000 });

/** Config `services.<name>.pagerduty`: the Events v2 integration that mirrors the incident. */
export const pagerdutyServiceSchema = z.object({
  routingKey: z.string().min(1, 'the Events v2 integration (routing) key'),
});

export type OncallConfig = z.infer<typeof oncallSchema>;

/** `rotation:<name>`, `pagerduty:<schedule id>`, `opsgenie:<schedule name>` next to user and group ids. */
export const ONCALL_TARGET_PATTERN = /^(rotation:[A-Za-z0-9][A-Za-z0-9_.-]*|pagerduty:[A-Za-z0-9]+|opsgenie:\S(.*\S)?)$/;

export function toRotations(config: OncallConfig): Record<string, Rotation> {
  return Object.fromEntries(
    Object.entries(config.rotations).map(([name, r]) => [
      name,
      { name, members: r.members, start: new Date(r.start), length: r.length, ...(r.timezone ? { timezone: r.timezone } : {}) },
    ]),
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every `rotation:<name>` in responders and escalation levels must name a configured rotation. */
export function rotationReferenceIssues(document: unknown): Issue[] {
  if (!isRecord(document)) return [];
  const rotations = isRecord(document.oncall) && isRecord(document.oncall.rotations) ? document.oncall.rotations : {};
  const services = isRecord(document.services) ? document.services : {};
  const issues: Issue[] = [];
  const check = (value: unknown, path: string) => {
    // A malformed target is the schema's issue; only well-formed rotation targets are looked up.
    if (typeof value !== 'string' || !value.startsWith('rotation:') || !ONCALL_TARGET_PATTERN.test(value)) return;
    const name = value.slice('rotation:'.length);
    if (!(name in rotations)) issues.push({ path, message: `"${value}": no rotation "${name}" under oncall.rotations` });
  };
  for (const [name, service] of Object.entries(services)) {
    if (!isRecord(service)) continue;
    if (Array.isArray(service.responders)) service.responders.forEach((t, i) => check(t, `services.${name}.responders.${i}`));
    if (Array.isArray(service.escalation))
      service.escalation.forEach((level, l) => {
        if (isRecord(level) && Array.isArray(level.notify)) level.notify.forEach((t, i) => check(t, `services.${name}.escalation.${l}.notify.${i}`));
      });
  }
  return issues;
}
