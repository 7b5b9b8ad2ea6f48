import { z } from 'zod';
import { INPUT_ACTION } from '../../blocks/ids';
import type { Issue } from '../../lib/errors';

/** One input element's state as Slack sends it in view_submission. */
const inputStateSchema = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_user: z.string().nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
});

export const viewStateSchema = z.record(z.string(), z.record(z.string(), inputStateSchema));

/** Flatten `view.state.values` to `{ block_id: value }` (text, selected option, selected user or ticked boxes, comma-joined). */
export function readInputs(values: unknown): Record<string, string | undefined> {
  const state = viewStateSchema.parse(values);
  const inputs: Record<string, string | undefined> = {};
  for (const [blockId, actions] of Object.entries(state)) {
    const input = actions[INPUT_ACTION];
    const checked = input?.selected_options?.map((o) => o.value).join(',');
    const value = input?.value ?? input?.selected_option?.value ?? input?.selected_user ?? (checked || undefined);
    inputs[blockId] = value?.trim() || undefined;
  }
  return inputs;
}

/** zod issues as Slack's `response_action: errors` map, keyed by block_id. */
export function fieldErrors(issues: Issue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const blockId = issue.path.split('.')[0] || 'title';
    errors[blockId] ??= issue.message;
  }
  return errors;
}
