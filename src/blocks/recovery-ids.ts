import { z } from 'zod';
import { CHECKLIST_PHASES } from '../domain/recovery/model';

/** action_id and block_id values of the post-rollback checklist (one checkboxes element per phase). */
export const RECOVERY_ACTIONS = {
  /** A tick on the post-rollback checklist; the block_id says which watch and phase. */
  checklistToggle: 'post_rollback_checklist_toggle',
} as const;

const BLOCK_PREFIX = 'post_rollback';

/** `post_rollback|<phase>|<watch>`: the watch is an id the server looks up (the action's run). */
export function checklistBlockId(watch: string, phase: (typeof CHECKLIST_PHASES)[number]): string {
  return `${BLOCK_PREFIX}|${phase}|${watch}`;
}

export const checklistBlockIdSchema = z
  .string()
  .transform((value) => value.split('|'))
  .pipe(z.tuple([z.literal(BLOCK_PREFIX), z.enum(CHECKLIST_PHASES), z.string().min(1).max(200)]))
  .transform(([, phase, watch]) => ({ phase, watch }));
