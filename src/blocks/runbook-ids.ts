import { z } from 'zod';

/** action_id values and button payloads of the runbook card. */
export const RUNBOOK_ACTIONS = {
  showAll: 'runbook_show_all',
  checkToggle: 'runbook_check_toggle',
} as const;

export const RUNBOOK_VIEW = 'runbook_show_all_view';
export const RUNBOOK_CHECKS_BLOCK = 'runbook_first_checks';

/** Show all carries the runbook's id; the server looks the runbook up. */
export const showAllValueSchema = z.object({ runbook: z.string().regex(/^[a-z0-9-]{1,64}$/) });

export const SHOW_ALL_TEXT = 'Show all';
