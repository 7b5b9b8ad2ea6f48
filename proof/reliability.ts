import { botKillScenario } from './kit/scenario-bot-kill';
import { raceScenario } from './kit/scenario-race';
import { redisRestartScenario } from './kit/scenario-redis';
import { replicasScenario } from './kit/scenario-replicas';
import { slackFaultsScenario } from './kit/scenario-slack-faults';
import { formatTable, type Row } from './kit/table';

/**
 * `npm run proof -- reliability [--quick]`: exactly-once and at-least-once claims under Redis and bot
 * crashes, Slack outages and concurrency, measured against the real bot (child processes of
 * `src/main.ts`), a real redis-server and a recording Slack Web API on 127.0.0.1.
 */
export const SCENARIOS: Record<string, (quick: boolean) => Promise<Row[]>> = {
  'redis-restart': redisRestartScenario,
  'bot-kill': botKillScenario,
  'slack-faults': slackFaultsScenario,
  race: raceScenario,
  replicas: replicasScenario,
};

export interface ReliabilityOptions {
  quick: boolean;
  /** Only these scenarios (names of SCENARIOS); by default PROOF_SCENARIOS (comma-separated) or all. */
  scenarios?: string[];
  /** Where the table goes (console.log by default). */
  print?: (text: string) => void;
}

const chosen = () => process.env.PROOF_SCENARIOS?.split(',').filter(Boolean) ?? Object.keys(SCENARIOS);

export async function run({ quick, scenarios = chosen(), print = console.log }: ReliabilityOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const name of scenarios) {
    const scenario = SCENARIOS[name];
    if (!scenario) throw new Error(`unknown reliability scenario "${name}"; choose from ${Object.keys(SCENARIOS).join(', ')}`);
    const started = Date.now();
    try {
      rows.push(...(await scenario(quick)));
    } catch (error) {
      print(`${name} failed: ${String(error).slice(0, 2000)}`);
      rows.push({ scenario: name, claim: 'scenario ran to the end', figures: String(error).split('\n')[0]!.slice(0, 200), pass: false });
    }
    print(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  print(formatTable(rows));
  const failed = rows.filter((r) => !r.pass);
  if (failed.length > 0) throw new Error(`${failed.length} reliability claim(s) do not hold:\n${failed.map((r) => `- ${r.scenario}: ${r.claim} (${r.figures})`).join('\n')}`);
  return rows;
}
