import { z } from 'zod';
import { INCIDENT_BLOCKS as B } from '../../../../blocks/ids';
import { severityIdSchema, workStatusSchema } from '../../../../domain/incidents/model';

const required = (what: string, max = 3000) =>
  z
    .string({ error: `${what} is required` })
    .min(1, `${what} is required`)
    .max(max, `${what} must be at most ${max} characters`);

export const startViewSchema = z.object({
  [B.title]: required('A title', 80).refine((t) => /[A-Za-z0-9]/.test(t), 'A title needs at least one letter or digit'),
  [B.severity]: severityIdSchema.or(z.undefined()).refine((v) => v !== undefined, 'Pick a severity'),
  [B.service]: z.string().optional(),
  [B.impact]: required('Impact'),
  [B.commander]: z.string().regex(/^[UW][A-Z0-9]+$/).optional(),
  [B.customerFacing]: z.literal('customer-facing').optional(),
});

export const startMetadataSchema = z.object({
  channelId: z.string().optional(),
  origin: z
    .object({ alertFingerprint: z.string().optional(), alertService: z.string().optional(), alertName: z.string().optional(), verdict: z.string().optional(), suspectDeployId: z.string().optional() })
    .optional(),
});

export const updateViewSchema = z.object({
  [B.status]: workStatusSchema.or(z.undefined()).refine((v) => v !== undefined, 'Pick a status'),
  [B.rootCause]: z.string().max(3000).optional(),
  [B.actionTaken]: required('Action taken'),
  [B.nextUpdate]: required('Next update', 200),
});

export const resolveViewSchema = z.object({
  [B.rootCause]: required('Root cause'),
  [B.userImpact]: required('User impact'),
  [B.followUp]: required('Follow-up'),
});

export const incidentMetadataSchema = z.object({ incidentId: z.string() });
