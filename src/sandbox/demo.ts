/** The sandbox's seeded people and, when no config file exists, its demo configuration. */

export interface SandboxUser {
  id: string;
  name: string;
  realName: string;
  title: string;
  isBot?: boolean;
}

export const SANDBOX_TEAM = { id: 'T0SANDBOX', domain: 'firebreak-sandbox', name: 'Firebreak sandbox' };
export const SANDBOX_BOT = { userId: 'U0FIREBREAK', botId: 'B0FIREBREAK', appId: 'A0FIREBREAK' };

/** Ids a config file can name (README "Try it in one minute"). */
export const SANDBOX_USERS: SandboxUser[] = [
  { id: 'U0ONCALL', name: 'olivia', realName: 'Olivia Oncall', title: 'On-call engineer' },
  { id: 'U0LEAD', name: 'liam', realName: 'Liam Lead', title: 'Team lead' },
  { id: 'U0MANAGER', name: 'maya', realName: 'Maya Manager', title: 'Engineering manager' },
  { id: 'U0VIEWER', name: 'nico', realName: 'Nico Bystander', title: 'Not a responder' },
  { id: SANDBOX_BOT.userId, name: 'firebreak', realName: 'Firebreak', title: 'Bot', isBot: true },
];

/** User groups: `S0ONCALL` is the on-call group. */
export const SANDBOX_GROUPS: Record<string, string[]> = { S0ONCALL: ['U0ONCALL'] };

export const DEMO_SECRETS = { rollback: 'sandbox-rollback-secret', flags: 'sandbox-flags-token' };

/** The demo configuration: every HTTP executor points at the demo deployer inside the sandbox. */
export function demoConfigText(baseUrl: string): string {
  const deployer = `${baseUrl}/sandbox/deployer`;
  const service = (name: string, channel: string, extra: string[]) =>
    [
      `  ${name}:`,
      `    channel: "${channel}"`,
      `    responders: [U0ONCALL, U0LEAD, S0ONCALL]`,
      `    escalation:`,
      `      - { after: 0m, notify: [U0ONCALL] }`,
      `      - { after: 30m, notify: [U0LEAD] }`,
      `      - { after: 60m, notify: [U0MANAGER] }`,
      `    updateEvery: 20m`,
      `    healthChecks: ["${deployer}/health/${name}"]`,
      `    rollback: { executor: http, url: "${deployer}/rollback", secret: "${DEMO_SECRETS.rollback}" }`,
      `    flags: { provider: http, url: "${deployer}/flags", token: "${DEMO_SECRETS.flags}" }`,
      ...extra,
    ].join('\n');
  return [
    'announcements: "#incidents"',
    'deployAnnouncements: "#deploys"',
    'services:',
    service('checkout', '#checkout-alerts', ['    dependsOn: [payments]']),
    service('payments', '#payments-alerts', []),
    service('search', '#search-alerts', []),
    '',
  ].join('\n');
}
