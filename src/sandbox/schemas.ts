import { z } from 'zod';

/** One zod schema per request the sandbox page sends. */
const userId = z.string().regex(/^[UW][A-Z0-9]+$/, 'a user id');
const channelId = z.string().regex(/^[CDG][A-Z0-9]+$/, 'a channel id');
const ts = z.string().regex(/^\d+\.\d+$/, 'a message ts');

export const messageRequestSchema = z.object({
  user: userId,
  channel: channelId,
  text: z.string().trim().min(1, 'type something').max(4000),
  threadTs: ts.optional(),
});

export const actionRequestSchema = z.object({
  user: userId,
  channel: channelId,
  ts,
  blockId: z.string().min(1),
  actionId: z.string().min(1),
  selected: z.array(z.string()).optional(),
});

export const viewRequestSchema = z.object({
  user: userId,
  values: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.null()])).default({}),
});

export const stateQuerySchema = z.object({
  user: userId,
  channel: channelId.optional(),
  thread: ts.optional(),
});

const service = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a service name');

export const simulateDeploySchema = z.object({
  service,
  version: z.string().trim().min(1).max(64),
  previousVersion: z.string().trim().min(1).max(64),
  strategy: z.enum(['blue-green', 'canary', 'rolling', 'direct']).default('blue-green'),
  flag: z.string().trim().max(64).optional(),
  minutesAgo: z.coerce.number().int().min(0).max(240).default(5),
});

export const simulateAlertSchema = z.object({
  service,
  name: z.string().trim().min(1).max(100).default('HighErrorRate'),
  severity: z.enum(['critical', 'warning', 'info']).default('critical'),
  summary: z.string().trim().max(300).default(''),
  endpoint: z.string().trim().max(200).default(''),
});
