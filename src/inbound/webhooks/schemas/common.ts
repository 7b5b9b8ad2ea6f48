import { z } from 'zod';
import { DEPLOY_STRATEGIES, noChanges } from '../../../domain/deploys/model';

/** Any ISO 8601 date-time with a zone (Z or an offset), normalised to UTC `toISOString()`. */
export const isoTimestamp = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-22T10:00:00Z' })
  .transform((text) => (CANONICAL_UTC.test(text) ? text : new Date(text).toISOString()));

/** Already `toISOString()`'s form: kept as it is (parsing and printing it again gives the same text). */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const nonEmpty = z.string().trim().min(1, 'must not be empty');

/**
 * A field of a user-templated body: "", null and Go templates' "<no value>" (what Argo CD renders
 * for a missing key) count as absent, so `schema` sees undefined.
 */
export function templated<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' || value === '<no value>' || value === null ? undefined : value), schema);
}

export const templatedText = templated(z.string().optional()).transform((text) => text?.trim() || undefined);

/** Labels as strings; numbers and booleans a sender put in are turned into text. */
export const labelsSchema = z.record(
  z.string(),
  z
    .custom<string | number | boolean>((value) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean', {
      message: 'must be a string, number or boolean',
    })
    .transform((value) => String(value)),
);

export const strategySchema = z.enum(DEPLOY_STRATEGIES);

export const changesSchema = z.object({
  config: z.boolean().default(false),
  dependencies: z.boolean().default(false),
  migrations: z.array(nonEmpty).default([]),
  flags: z.array(z.object({ key: nonEmpty, enabled: z.boolean() })).default([]),
});

/** `changes` may be left out, and so may each of its fields. */
export const optionalChanges = changesSchema.default(noChanges);

/** Options every normaliser understands. */
export interface ReceiveOptions {
  /** When the body was received; stands in for a timestamp the sender left out. Default: now. */
  receivedAt?: Date;
}

export function receivedAt(options: ReceiveOptions | undefined): string {
  return (options?.receivedAt ?? new Date()).toISOString();
}

/** A number from a text such as "0.07" or "7%"; undefined when it is not one. */
export function numberFrom(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number.parseFloat(text);
  return Number.isFinite(value) ? value : undefined;
}
