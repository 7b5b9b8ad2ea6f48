import { readdirSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * `npm run proof -- <suite|all> [--quick]`: the reliability and hostile-input proofs. Each suite is a
 * module beside this file exporting `run({ quick })`, which checks its claims, prints a table of
 * figures and throws when a claim does not hold. `--quick` is the reduced form CI can afford.
 */
export interface ProofSuite {
  run(options: { quick: boolean }): Promise<void>;
}

function suiteNames(): string[] {
  return readdirSync(__dirname)
    .filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => basename(file, '.ts'))
    .filter((name) => name !== 'index' && !name.startsWith('_'))
    .sort();
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const wanted = args.find((arg) => !arg.startsWith('--')) ?? 'all';
  const available = suiteNames();
  const names = wanted === 'all' ? available : [wanted];
  for (const name of names) {
    if (!available.includes(name)) throw new Error(`unknown proof "${name}"; choose one of: ${available.join(', ')}, all`);
    console.log(`\n=== ${name}${quick ? ' (quick)' : ''} ===`);
    const suite = (await import(`./${name}`)) as ProofSuite;
    await suite.run({ quick });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
