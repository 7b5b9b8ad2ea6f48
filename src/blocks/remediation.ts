import type { ActionsBlock, Button, ConfirmationDialog } from '@slack/types';
import type { Deploy } from '../domain/deploys/model';
import { REMEDIATION_ACTIONS, type RemediationButtonValue } from './remediation-ids';
import { mrkdwn, plain, truncate } from './text';

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
const value = (payload: RemediationButtonValue) => truncate(JSON.stringify(payload), 2000);

function dialog(title: string, text: string, confirm: string): ConfirmationDialog {
  return { title: plain(truncate(title, 100)), text: mrkdwn(truncate(text, 300)), confirm: plain(confirm), deny: plain('Cancel'), style: 'danger' };
}

/**
 * The runbooks' data-consistency warning ("a rollback can leave data half-migrated"; "if a migration
 * ran: revert it; restoring a backup is the last resort") for a deploy that ran migrations.
 */
export function migrationWarning(deploy: Pick<Deploy, 'changes'>): string {
  const migrations = deploy.changes.migrations;
  if (migrations.length === 0) return '';
  const names = truncate(migrations.join(', '), 60);
  return ` :warning: It ran migrations (${names}): a rollback can leave data half-migrated. Check data consistency and revert the migration; restore a backup only as a last resort.`;
}

export function rollbackButton(deploy: Deploy, context: RemediationContextRef, targetText?: string): Button {
  const from = deploy.version;
  const to = deploy.previousVersion ?? '?';
  const target = (targetText ? ` Runbook target: under ${targetText}.` : '') + migrationWarning(deploy);
  return {
    type: 'button',
    action_id: REMEDIATION_ACTIONS.rollback,
    text: plain(truncate(`Rollback to ${to}`, 75)),
    style: 'danger',
    value: value({ service: deploy.service, deployId: deploy.id, context }),
    confirm: dialog(
      `Roll back ${deploy.service}?`,
      `Roll *${deploy.service}* back in *${deploy.environment}*: *${from}* → *${to}* (${deploy.strategy}).${target}`,
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
    text: plain(truncate(`Disable flag ${flag.flagKey}`, 75)),
    style: 'danger',
    value: value({ service: flag.service, deployId: flag.deployId, context, flagKey: flag.flagKey }),
    confirm: dialog(
      `Disable flag ${flag.flagKey}?`,
      `Turn *${flag.flagKey}* off for *${flag.service}* in *${flag.environment}*.`,
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
