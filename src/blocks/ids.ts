/** callback_id, block_id and action_id values of the incident surfaces: one place, used by builders and listeners. */
export const INCIDENT_VIEWS = {
  start: 'incident_start',
  update: 'incident_update',
  resolve: 'incident_resolve',
} as const;

export const INCIDENT_BLOCKS = {
  title: 'title',
  severity: 'severity',
  service: 'service',
  impact: 'impact',
  commander: 'commander',
  status: 'status',
  rootCause: 'root_cause',
  actionTaken: 'action_taken',
  nextUpdate: 'next_update',
  userImpact: 'user_impact',
  followUp: 'follow_up',
  checklist: 'post_incident_checklist',
  customerFacing: 'customer_facing',
} as const;

/** Every input's action_id is this; the block_id says which field it is. */
export const INPUT_ACTION = 'value';

export const INCIDENT_ACTIONS = {
  checklistToggle: 'checklist_toggle',
  startFromAlert: 'start_incident_from_alert',
  postUpdate: 'post_update',
} as const;
