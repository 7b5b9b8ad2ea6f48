import { createHash } from 'node:crypto';
import type { ActionsBlock, Button, ConfirmationDialog } from '@slack/types';
import type { Deploy } from '../domain/deploys/model';
import { REMEDIATION_ACTIONS, type RemediationButtonRef, type RemediationButtonValue, type RemediationOffer } from './remediation-ids';
import { LIMITS, md, mrkdwn, plain, truncate, type Mrkdwn } from './text';

/**
 * The Rollback and Disable flag buttons: the one place that builds them, for alert cards, incident
 * threads and `/incident rollback` alike. Each asks for confirmation naming what will change.
 */

export type RemediationContextRef = RemediationButtonValue['context'];

/** Every Disable flag button's action_id matches this (they must differ within a block). */
export const DISABLE_FLAG_ACTION = new RegExp(`^${REMEDIATION_ACTIONS.disableFlag}(-\\d+)?$`);

export interface RemediationButtonOptions {
  /** Offer Rollback (default: when the deploy has a previous version). */
  rollback?: boolean;
  /** Offer Disable flag for each flag the deploy enabled (default true). */
  flags?: boolean;
  /** The rollback runbook's target for the deploy's strategy, named in the dialog. */
  rollbackTargetText?: string;
}

/** The offer id: the same payload always gets the same id, so re-rendering a card re-saves the same offer. */
export const offerId = (payload: RemediationButtonValue) => createHash('sha256').update(JSON.stringify(payload)).digest('hex').slice(0, 32);

/** What each button built here stands for, until its message is posted and the offers saved. */
const offered = new WeakMap<object, RemediationOffer>();

/** The button's value is the offer id alone; the payload is remembered for `offersIn`. */
function withOffer(button: Button, payload: RemediationButtonValue): Button {
  const id = offerId(payload);
  const ref: RemediationButtonRef = { offer: id };
  const built = { ...button, value: truncate(JSON.stringify(ref), LIMITS.buttonValue) };
  offered.set(built, { id, payload });
  return built;
}

/**
 * Every remediation offer in a message's blocks (actions blocks and their buttons): the publisher
 * saves these before posting, so a click finds what the server rendered and nothing else.
 */
export function offersIn(blocks: readonly unknown[]): RemediationOffer[] {
  const found: RemediationOffer[] = [];
  for (const block of blocks) {
    const elements = (block as { type?: string; elements?: unknown[] }).elements;
    if ((block as { type?: string }).type !== 'actions' || !Array.isArray(elements)) continue;
    for (const element of elements) {
      const offer = typeof element === 'object' && element !== null ? offered.get(element) : undefined;
      if (offer) found.push(offer);
    }
  }
  return found;
}

function dialog(title: string, text: Mrkdwn, confirm: string): ConfirmationDialog {
  return { title: plain(title, LIMITS.confirmTitle), text: mrkdwn(text, LIMITS.confirmText), confirm: plain(confirm), deny: plain('Cancel'), style: 'danger' };
}

export function rollbackButton(deploy: Deploy, context: RemediationContextRef, targetText?: string): Button {
  const from = deploy.version;
  const to = deploy.previousVersion ?? '?';
  const target = targetText ? md` Runbook target: under ${targetText}.` : md``;
  const button: Button = {
    type: 'button',
    action_id: REMEDIATION_ACTIONS.rollback,
    text: plain(`Rollback to ${to}`, LIMITS.buttonText),
    style: 'danger',
    confirm: dialog(
      `Roll back ${deploy.service}?`,
      md`Roll *${deploy.service}* back in *${deploy.environment}*: *${from}* → *${to}* (${deploy.strategy}).${target}`,
      'Roll back',
    ),
  };
  return withOffer(button, { service: deploy.service, deployId: deploy.id, context });
}

export interface FlagTarget {
  service: string;
  environment: string;
  flagKey: string;
  /** The deploy that enabled it, when known ('' otherwise). */
  deployId: string;
}

export function disableFlagButton(flag: FlagTarget, context: RemediationContextRef, index = 0): Button {
  const button: Button = {
    type: 'button',
    action_id: index === 0 ? REMEDIATION_ACTIONS.disableFlag : `${REMEDIATION_ACTIONS.disableFlag}-${index}`,
    text: plain(`Disable flag ${flag.flagKey}`, LIMITS.buttonText),
    style: 'danger',
    confirm: dialog(
      `Disable flag ${flag.flagKey}?`,
      md`Turn *${flag.flagKey}* off for *${flag.service}* in *${flag.environment}*.`,
      'Disable flag',
    ),
  };
  return withOffer(button, { service: flag.service, deployId: flag.deployId, context, flagKey: flag.flagKey });
}

/**
 * The actions block for a suspect deploy: Rollback to its previous version and Disable flag for
 * every flag it switched on. Undefined when there is nothing to offer.
 */
export function remediationButtons(deploy: Deploy, context: RemediationContextRef, options: RemediationButtonOptions = {}): ActionsBlock | undefined {
  const elements: Button[] = [];
  if (options.rollback !== false && deploy.previousVersion) elements.push(rollbackButton(deploy, context, options.rollbackTargetText));
  if (options.flags !== false) {
    const flags = deploy.changes.flags.filter((flag) => flag.enabled);
    flags.forEach((flag, index) =>
      elements.push(disableFlagButton({ service: deploy.service, environment: deploy.environment, flagKey: flag.key, deployId: deploy.id }, context, index)),
    );
  }
  if (elements.length === 0) return undefined;
  return { type: 'actions', block_id: truncate(`remediation-${deploy.id}`, 255), elements: elements.slice(0, 25) };
}
