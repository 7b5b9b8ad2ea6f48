/**
 * Run as a child process (the global dispatcher belongs to the process, and Node's fetch reads the
 * real one, not a test runner's sandbox): install the outbound proxy from this environment as
 * main.ts does, build the Slack client as Firebreak does, call auth.test, print the outcome as JSON.
 */
import { WebClient } from '@slack/web-api';
import { parseEnv } from '../../src/config/env';
import { slackClientOptions } from '../../src/inbound/slack/app';
import { installOutboundProxy } from '../../src/lib/outbound-http';

async function run(): Promise<void> {
  const env = parseEnv();
  const installed = installOutboundProxy();
  const client = new WebClient(env.SLACK_BOT_TOKEN, { ...slackClientOptions(env), retryConfig: { retries: 0 } });
  try {
    const answer = await client.auth.test();
    console.log(JSON.stringify({ installed, ok: answer.ok, team: answer.team }));
  } catch (error) {
    console.log(JSON.stringify({ installed, error: String((error as Error).message) }));
  }
}

void run().then(() => process.exit(0));
