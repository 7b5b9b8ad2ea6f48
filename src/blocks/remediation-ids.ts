import { z } from 'zod';

/** action_ids of the remediation buttons (alert cards, incident threads). */
export const REMEDIATION_ACTIONS = {
  rollback: 'remediation_rollback',
  disableFlag: 'remediation_disable_flag',
} as const;

/**
 * What a Rollback / Disable flag button was offered for: the server stores it under an offer id
 * when it renders the button (outbound/store/remediation-offers.ts); the deploy's versions and
 * everything else are re-read from the store when the button is pressed.
 */
export const remediationOfferSchema = z.object({
  service: z.string(),
  deployId: z.string(),
  /** The alert card's fingerprint or the incident id this button belongs to. */
  context: z.object({ kind: z.enum(['alert', 'incident', 'guard']), id: z.string() }),
  flagKey: z.string().optional(),
});

export type RemediationOfferPayload = z.infer<typeof remediationOfferSchema>;
/** Kept for the builders' signatures: what a button stands for. */
export type RemediationButtonValue = RemediationOfferPayload;

/**
 * What the button's `value` carries: only the offer id. An invented or altered id finds no stored
 * offer and is refused; the payload itself never travels through Slack.
 */
export const remediationButtonValueSchema = z.object({ offer: z.string().regex(/^[0-9a-f]{32}$/) });
export type RemediationButtonRef = z.infer<typeof remediationButtonValueSchema>;

export interface RemediationOffer {
  id: string;
  payload: RemediationOfferPayload;
}
