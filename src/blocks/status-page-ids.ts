import { z } from 'zod';
import { statusStageSchema } from '../domain/status/model';

/** callback_id, block_id and action_id values of the status page surfaces. */
export const STATUS_PAGE_VIEW = 'statuspage_publish';

export const STATUS_PAGE_BLOCKS = {
  stage: 'statuspage_stage',
  title: 'statuspage_title',
  text: 'statuspage_text',
} as const;

export const STATUS_PAGE_ACTIONS = {
  publish: 'statuspage_publish',
} as const;

/** The Publish to status page button's value: which incident and the suggested stage. */
export const publishButtonValueSchema = z.object({ incidentId: z.string().min(1).max(64), stage: statusStageSchema });
export type PublishButtonValue = z.infer<typeof publishButtonValueSchema>;

/** The review modal's private_metadata. */
export const publishModalMetadataSchema = z.object({ incidentId: z.string().min(1).max(64) });

export const PUBLISH_BUTTON_TEXT = 'Publish to status page';
