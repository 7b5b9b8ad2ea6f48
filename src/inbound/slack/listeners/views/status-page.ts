import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { publishModalMetadataSchema, STATUS_PAGE_BLOCKS as B } from '../../../../blocks/status-page-ids';
import { statusStageSchema } from '../../../../domain/status/model';
import { NotFoundError } from '../../../../lib/errors';
import { toIssues } from '../../../../lib/zod-issues';
import type { SlackDeps } from '../../deps';
import { fieldErrors, readInputs } from '../../view-state';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const publishViewSchema = z.object({
  [B.stage]: statusStageSchema.or(z.undefined()).refine((v) => v !== undefined, 'Pick a stage'),
  [B.title]: z.string({ error: 'A public title is required' }).min(1).max(120, 'At most 120 characters'),
  [B.text]: z.string({ error: 'The public text is required' }).min(1).max(2000, 'At most 2000 characters'),
});

/** The review modal was submitted: this click, and only this, makes the text public (as a job). */
export function publishSubmission(deps: SlackDeps) {
  return async ({ ack, view, body }: ViewArgs): Promise<void> => {
    const parsed = publishViewSchema.safeParse(readInputs(view.state.values));
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(toIssues(parsed.error)) });
      return;
    }
    const metadata = publishModalMetadataSchema.safeParse(view.private_metadata ? JSON.parse(view.private_metadata) : {});
    if (!metadata.success || !deps.statusPage) {
      await ack({ response_action: 'errors', errors: { [B.text]: 'This form does not belong to an incident I know.' } });
      return;
    }
    const input = parsed.data;
    try {
      await deps.statusPage.request({
        requestId: view.id,
        incidentId: metadata.data.incidentId,
        stage: input[B.stage] ?? 'investigating',
        title: input[B.title],
        text: input[B.text],
        by: body.user.id,
        requestedAt: deps.clock.now().toISOString(),
      });
    } catch (error) {
      if (error instanceof NotFoundError) {
        await ack({ response_action: 'errors', errors: { [B.text]: error.message } });
        return;
      }
      throw error;
    }
    await ack();
  };
}
