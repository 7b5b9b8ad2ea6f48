/** `npm run bench -- <ingest|actions|timers|all>`: each prints its figures next to a baseline measured in the same run. */
import { rerunWithNodeFlags } from './node-flags';

const suites: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  ingest: () => import('./ingest'),
  actions: () => import('./actions'),
  timers: () => import('./timers'),
};

async function main(): Promise<void> {
  const wanted = process.argv[2] ?? 'all';
  const names = wanted === 'all' ? Object.keys(suites) : [wanted];
  for (const name of names) {
    const load = suites[name];
    if (!load) throw new Error(`unknown benchmark "${name}"; choose one of: ${Object.keys(suites).join(', ')}, all`);
    console.log(`\n=== ${name} ===`);
    await (await load()).run();
  }
}

const rerun = rerunWithNodeFlags();
if (rerun !== undefined) process.exit(rerun);

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
