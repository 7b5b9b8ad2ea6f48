import type { View } from '@slack/types';
import { SEVERITY_IDS, WORK_STATUSES, type Incident, type SeverityId } from '../domain/incidents/model';
import { humanDuration } from '../lib/human-duration';
import { INCIDENT_BLOCKS as B, INCIDENT_VIEWS, INPUT_ACTION } from './ids';
import { md, mrkdwn, plain, truncate } from './text';

export interface SeverityDefinition {
  label: string;
  definition: string;
}

/** Carried through the modal in private_metadata. */
export interface StartModalMetadata {
  /** Where /incident was typed (or the alert card's channel), for error messages. */
  channelId?: string;
  origin?: { alertFingerprint?: string; alertService?: string; alertName?: string; verdict?: string; suspectDeployId?: string };
}

function textInput(blockId: string, label: string, options: { initial?: string; multiline?: boolean; optional?: boolean; placeholder?: string; max?: number } = {}) {
  return {
    type: 'input' as const,
    block_id: blockId,
    optional: options.optional ?? false,
    label: plain(label),
    element: {
      type: 'plain_text_input' as const,
      action_id: INPUT_ACTION,
      multiline: options.multiline ?? false,
      ...(options.initial ? { initial_value: truncate(options.initial, options.max ?? 3000) } : {}),
      ...(options.placeholder ? { placeholder: plain(options.placeholder) } : {}),
      ...(options.max ? { max_length: options.max } : {}),
    },
  };
}

function option(value: string, text: string, description?: string) {
  return { value, text: plain(truncate(text, 75)), ...(description ? { description: plain(truncate(description, 75)) } : {}) };
}

export const SEVERITY_DEFINITIONS_BLOCK = 'severity_definitions';

/** Every severity's full definition (severities.yaml), where a select's 75 characters would cut it. */
function severityDefinitions(severities: Record<SeverityId, SeverityDefinition>) {
  return {
    type: 'context' as const,
    block_id: SEVERITY_DEFINITIONS_BLOCK,
    elements: SEVERITY_IDS.map((id) => mrkdwn(md`*${id} ${severities[id].label}* — ${severities[id].definition}`)),
  };
}

export const CUSTOMER_FACING = 'customer-facing';

/** "Customer-facing": the status page texts are proposed in the incident channel. */
function customerFacingInput() {
  const option = { value: CUSTOMER_FACING, text: plain('Customer-facing'), description: plain('Customers notice it: propose status page texts') };
  return {
    type: 'input' as const,
    block_id: B.customerFacing,
    optional: true,
    label: plain('Status page'),
    element: { type: 'checkboxes' as const, action_id: INPUT_ACTION, options: [option] },
  };
}

/** private_metadata holds 3000 characters: long outside texts are cut, a fingerprint too long is left out. */
function startMetadata(metadata: StartModalMetadata): string {
  const origin = metadata.origin && {
    ...metadata.origin,
    ...(metadata.origin.alertName ? { alertName: truncate(metadata.origin.alertName, 200) } : {}),
    ...(metadata.origin.verdict ? { verdict: truncate(metadata.origin.verdict, 600) } : {}),
  };
  for (const drop of [[], ['alertFingerprint', 'alertService'], ['alertFingerprint', 'alertService', 'suspectDeployId']]) {
    const kept = origin ? Object.fromEntries(Object.entries(origin).filter(([key]) => !drop.includes(key))) : undefined;
    const text = JSON.stringify({ ...metadata, ...(kept ? { origin: kept } : {}) });
    if (text.length <= 3000) return text;
  }
  return JSON.stringify({ channelId: metadata.channelId });
}

export function startIncidentModal(input: {
  title?: string;
  severities: Record<SeverityId, SeverityDefinition>;
  services: string[];
  service?: string;
  severity?: SeverityId;
  impact?: string;
  reporterId: string;
  metadata: StartModalMetadata;
}): View {
  // Option descriptions stop at 75 characters: the full definitions go in a context block below.
  const severityOptions = SEVERITY_IDS.map((id) => option(id, `${id} — ${input.severities[id].label}`));
  const initialSeverity = severityOptions.find((o) => o.value === (input.severity ?? 'P2'));
  // Option values hold at most 150 characters and a menu 100 options.
  const serviceOptions = input.services.filter((s) => s.length <= 150 && !/[\u0000-\u001f]/.test(s)).slice(0, 100).map((s) => option(s, s));
  const initialService = serviceOptions.find((o) => o.value === input.service);
  return {
    type: 'modal',
    callback_id: INCIDENT_VIEWS.start,
    private_metadata: startMetadata(input.metadata),
    title: plain('Start an incident'),
    submit: plain('Start incident'),
    close: plain('Cancel'),
    blocks: [
      textInput(B.title, 'Title', { initial: input.title, placeholder: 'Checkout returns 500s after v1.2.3', max: 80 }),
      {
        type: 'input',
        block_id: B.severity,
        label: plain('Severity'),
        element: { type: 'static_select', action_id: INPUT_ACTION, options: severityOptions, ...(initialSeverity ? { initial_option: initialSeverity } : {}) },
      },
      severityDefinitions(input.severities),
      ...(serviceOptions.length > 0
        ? [
            {
              type: 'input' as const,
              block_id: B.service,
              optional: true,
              label: plain('Service'),
              element: { type: 'static_select' as const, action_id: INPUT_ACTION, options: serviceOptions, ...(initialService ? { initial_option: initialService } : {}) },
            },
          ]
        : []),
      textInput(B.impact, 'Impact', { initial: input.impact, multiline: true, placeholder: 'Who is affected and how' }),
      customerFacingInput(),
      {
        type: 'input',
        block_id: B.commander,
        optional: true,
        label: plain('Incident commander'),
        hint: plain('You, unless you pick someone else.'),
        element: { type: 'users_select', action_id: INPUT_ACTION, initial_user: input.reporterId },
      },
    ],
  };
}

/** `updateEvery`: the update cadence (the service's `updateEvery`, else policy.yaml `updates.every`), the form's default. */
export function updateIncidentModal(incident: Incident, updateEvery?: number): View {
  const statuses = WORK_STATUSES.map((s) => option(s, s));
  const current = statuses.find((o) => o.value === incident.workStatus);
  return {
    type: 'modal',
    callback_id: INCIDENT_VIEWS.update,
    private_metadata: JSON.stringify({ incidentId: incident.id }),
    title: plain('Post an update'),
    submit: plain('Post update'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: B.status,
        label: plain('Status'),
        element: { type: 'static_select', action_id: INPUT_ACTION, options: statuses, ...(current ? { initial_option: current } : {}) },
      },
      textInput(B.rootCause, 'Root cause (if known)', { optional: true, multiline: true, initial: incident.rootCause }),
      textInput(B.actionTaken, 'Action taken', { multiline: true }),
      textInput(B.nextUpdate, 'Next update', { initial: `in ${humanDuration(updateEvery ?? 30 * 60_000)}` }),
    ],
  };
}

export function resolveIncidentModal(incident: Incident): View {
  return {
    type: 'modal',
    callback_id: INCIDENT_VIEWS.resolve,
    private_metadata: JSON.stringify({ incidentId: incident.id }),
    title: plain('Resolve incident'),
    submit: plain('Resolve'),
    close: plain('Cancel'),
    blocks: [
      textInput(B.rootCause, 'Root cause', { multiline: true, initial: incident.rootCause }),
      textInput(B.userImpact, 'User impact', { multiline: true, initial: incident.impact }),
      textInput(B.followUp, 'Follow-up', { multiline: true, placeholder: 'Postmortem, action items, links' }),
    ],
  };
}
