import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { INCIDENT_BLOCKS as B } from '../../../../blocks/ids';
import { ConflictError, NotFoundError } from '../../../../lib/errors';
import { toIssues } from '../../../../lib/zod-issues';
import type { SlackDeps } from '../../deps';
import { fieldErrors, readInputs } from '../../view-state';
import { incidentMetadataSchema, resolveViewSchema, startMetadataSchema, startViewSchema, updateViewSchema } from './schemas';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

function parseMetadata<T>(raw: string, schema: { parse(input: unknown): T }): T {
  return schema.parse(raw ? JSON.parse(raw) : {});
}

/** Run the change and acknowledge; an incident that was resolved or removed meanwhile is a field error. */
async function refuseConflicts(ack: ViewArgs['ack'], blockId: string, change: () => Promise<unknown>): Promise<void> {
  try {
    await change();
  } catch (error) {
    if (error instanceof ConflictError || error instanceof NotFoundError) {
      await ack({ response_action: 'errors', errors: { [blockId]: error.message } });
      return;
    }
    throw error;
  }
  await ack();
}

/** The incident-opening modal: validate, store the incident, publish, acknowledge. Slack work runs as a job. */
export function startIncidentSubmission(deps: SlackDeps) {
  return async ({ ack, view, body }: ViewArgs): Promise<void> => {
    const parsed = startViewSchema.safeParse(readInputs(view.state.values));
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(toIssues(parsed.error)) });
      return;
    }
    const input = parsed.data;
    const service = input[B.service];
    if (service && !(service in deps.config.services)) {
      await ack({ response_action: 'errors', errors: { [B.service]: `Unknown service "${service}"` } });
      return;
    }
    const metadata = parseMetadata(view.private_metadata, startMetadataSchema);
    await deps.incidents.start({
      title: input[B.title],
      severity: input[B.severity] ?? 'P2',
      service,
      impact: input[B.impact],
      reporterId: body.user.id,
      commanderId: input[B.commander],
      origin: metadata.origin,
      customerFacing: input[B.customerFacing] !== undefined,
      requestKey: `view-${view.id}`,
    });
    await ack();
  };
}

export function updateIncidentSubmission(deps: SlackDeps) {
  return async ({ ack, view, body }: ViewArgs): Promise<void> => {
    const parsed = updateViewSchema.safeParse(readInputs(view.state.values));
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(toIssues(parsed.error)) });
      return;
    }
    const { incidentId } = parseMetadata(view.private_metadata, incidentMetadataSchema);
    const input = parsed.data;
    await refuseConflicts(ack, B.actionTaken, () =>
      deps.incidents.postUpdate(
        incidentId,
        { status: input[B.status] ?? 'Investigating', rootCause: input[B.rootCause], actionTaken: input[B.actionTaken], nextUpdate: input[B.nextUpdate] },
        body.user.id,
      ),
    );
  };
}

export function resolveIncidentSubmission(deps: SlackDeps) {
  return async ({ ack, view, body }: ViewArgs): Promise<void> => {
    const parsed = resolveViewSchema.safeParse(readInputs(view.state.values));
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: fieldErrors(toIssues(parsed.error)) });
      return;
    }
    const { incidentId } = parseMetadata(view.private_metadata, incidentMetadataSchema);
    const input = parsed.data;
    await refuseConflicts(ack, B.rootCause, () =>
      deps.incidents.resolve(incidentId, { rootCause: input[B.rootCause], userImpact: input[B.userImpact], followUp: input[B.followUp] }, body.user.id),
    );
  };
}
