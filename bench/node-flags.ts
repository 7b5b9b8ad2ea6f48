import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The node flags `npm start` (and the image's CMD) runs with, between `node` and the entry point. */
const START_FLAGS = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ').slice(1, -1);

/** Node flags for Firebreak as the benches run it: as deployed, unless BENCH_NODE_FLAGS says otherwise ('' for none). */
export const NODE_FLAGS = process.env.BENCH_NODE_FLAGS === undefined ? START_FLAGS : process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean);

/**
 * The in-process figures too are taken with NODE_FLAGS: when this process lacks one, run it again
 * with them (keeping tsx's own flags) and return its exit status; undefined when it has them all.
 */
export function rerunWithNodeFlags(): number | undefined {
  if (NODE_FLAGS.every((flag) => process.execArgv.includes(flag))) return undefined;
  const again = spawnSync(process.execPath, [...NODE_FLAGS, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  return again.status ?? 1;
}
