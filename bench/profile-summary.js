'use strict';
/** `node bench/profile-summary.js <file.cpuprofile>`: self time by function (top 25) and idle/GC/program shares. */
const { readFileSync } = require('node:fs');

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const deltas = profile.timeDeltas;
let total = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const f = node.callFrame;
  const where = f.url ? `${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|src)\//, '$1/')}:${f.lineNumber + 1}` : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
  const dt = deltas[i] ?? 0;
  total += dt;
  self.set(key, (self.get(key) ?? 0) + dt);
});
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]);
const share = (name) => ((100 * (self.get(name) ?? 0)) / total).toFixed(1);
console.log(`total ${(total / 1e6).toFixed(1)} s; idle ${share('(idle)')} %, GC ${share('(garbage collector)')} %, program ${share('(program)')} %`);
for (const [key, t] of rows.slice(0, 25)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)} %  ${key}`);
