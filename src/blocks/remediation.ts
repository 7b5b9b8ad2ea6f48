import type { ActionsBlock, Button, ConfirmationDialog } from '@slack/types';
import type { Deploy } from '../domain/deploys/model';
import { REMEDIATION_ACTIONS, type RemediationButtonValue } from './remediation-ids';
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

/** Slack limits: button text 75, dialog title 100, dialog text 300, value 2000. */
const value = (payload: RemediationButtonValue) => truncate(JSON.stringify(payload), LIMITS.buttonValue);

function dialog(title: string, text: Mrkdwn, confirm: string): ConfirmationDialog {
  return { title: plain(title, LIMITS.confirmTitle), text: mrkdwn(text, LIMITS.confirmText), confirm: plain(confirm), deny: plain('Cancel'), style: 'danger' };
}

export function rollbackButton(deploy: Deploy, context: RemediationContextRef, targetText?: string): Button {
  const from = deploy.version;
  const to = deploy.previousVersion ?? '?';
  const target = targetText ? md` Runbook target: under ${targetText}.` : md``;
  return {
    type: 'button',
    action_id: REMEDIATION_ACTIONS.rollback,
    text: plain(`Rollback to ${to}`, LIMITS.buttonText),
    style: 'danger',
    value: value({ service: deploy.service, deployId: deploy.id, context }),
    confirm: dialog(
      `Roll back ${deploy.service}?`,
      md`Roll *${deploy.service}* back in *${deploy.environment}*: *${from}* → *${to}* (${deploy.strategy}).${target}`,
      'Roll back',
    ),
  };
}

export interface FlagTarget {
  service: string;
  environment: string;
  flagKey: string;
  /** The deploy that enabled it, when known ('' otherwise). */
  deployId: string;
}

export function disableFlagButton(flag: FlagTarget, context: RemediationContextRef, index = 0): Button {
  return {
    type: 'button',
    action_id: index === 0 ? REMEDIATION_ACTIONS.disableFlag : `${REMEDIATION_ACTIONS.disableFlag}-${index}`,
    text: plain(`Disable flag ${flag.flagKey}`, LIMITS.buttonText),
    style: 'danger',
    value: value({ service: flag.service, deployId: flag.deployId, context, flagKey: flag.flagKey }),
    confirm: dialog(
      `Disable flag ${flag.flagKey}?`,
      md`Turn *${flag.flagKey}* off for *${flag.service}* in *${flag.environment}*.`,
      'Disable flag',
    ),
  };
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
