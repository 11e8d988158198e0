#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof --cpu-prof-dir=DIR …`): self time by package
// or file, and the heaviest functions. Usage: node bench/tools/profile-summary.mjs FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';

const [file, top = '15'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
}

/** node_modules/<pkg>, dist/<file>, node:<builtin>, or V8's own (GC, program, idle). */
function where(url) {
  if (!url) return '(v8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const dist = /\/(dist|bin|bench)\/(.*)$/.exec(url);
  if (dist) return `${dist[1]}/${dist[2]}`;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

const byPlace = new Map();
const byFunction = new Map();
let total = 0;
for (const [id, us] of self) {
  const node = byId.get(id);
  const { functionName, url, lineNumber } = node.callFrame;
  const place = where(url);
  total += us;
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  const fn = `${functionName || '(anonymous)'} ${place}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
}
const show = (title, map) => {
  process.stdout.write(`${title}\n`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
    process.stdout.write(`  ${(us / 1000).toFixed(1).padStart(8)} ms  ${k}\n`);
};
process.stdout.write(`total ${(total / 1000).toFixed(1)} ms sampled\n`);
show('self time by place:', byPlace);
show('self time by function:', byFunction);
