// Summarizes a V8 .cpuprofile (node --cpu-prof): top frames by self time, and by package.
// Usage: node bench/profile-summary.mjs bench-results/profiles/<file>.cpuprofile [top=25]
// WINDOW=<from>-<to> keeps only the samples between those seconds after the profile's start
// (e.g. WINDOW=20-30 for a load that ran then), so start-up and shutdown stay out.
import { readFileSync } from 'node:fs';
import { sourceOf } from './profile-source.mjs';

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
const [from, to] = (process.env.WINDOW ?? '0-1e9').split('-').map((s) => Number(s) * 1e6);
let clock = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  clock += dt[i] ?? 0;
  if (clock < from || clock > to) continue;
  self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
}
// Idle time (waiting for load) is left out, so percentages are of the busy CPU.
for (const [id] of self) if (byId.get(id).callFrame.functionName === '(idle)') self.delete(id);
const total = [...self.values()].reduce((a, b) => a + b, 0);
const frames = new Map();
const packages = new Map();
const where = (url) => sourceOf(url) ?? '(native/gc/idle)';
for (const [id, us] of self) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const key = `${cf.functionName || '(anonymous)'} ${cf.url ? cf.url.replace(/^.*\/(node_modules|dist)\//, '$1/') : ''}:${cf.lineNumber + 1}`;
  frames.set(key, (frames.get(key) ?? 0) + us);
  const pkg = where(cf.url);
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
}
const top = Number(topArg ?? 25);
const pctOf = (us) => ((100 * us) / total).toFixed(1).padStart(5) + '%';
console.log(`total sampled ${(total / 1e6).toFixed(1)} s`);
console.log('\nby package / lib:');
for (const [k, v] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(pctOf(v), k);
console.log('\ntop frames by self time:');
for (const [k, v] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(pctOf(v), k);

// Who calls the heaviest native frames (e.g. writev): self time by caller chain (3 levels).
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
for (const name of (process.env.CALLERS ?? 'writev').split(',')) {
  const chains = new Map();
  for (const [id, us] of self) {
    if (byId.get(id).callFrame.functionName !== name) continue;
    const chain = [];
    let p = parent.get(id);
    while (p !== undefined && chain.length < Number(process.env.DEPTH ?? 6)) {
      const cf = byId.get(p).callFrame;
      chain.push(`${cf.functionName || '(anon)'}@${cf.url.split('/').pop() || '?'}:${cf.lineNumber + 1}`);
      p = parent.get(p);
    }
    const k = chain.join(' < ');
    chains.set(k, (chains.get(k) ?? 0) + us);
  }
  console.log(`\ncallers of ${name}:`);
  for (const [k, v] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(pctOf(v), k);
}

// Inclusive time per frame (self + callees), for the frames of this project and its framework.
if (process.env.INCLUSIVE) {
  const incl = new Map();
  const totalOf = (id) => {
    const n = byId.get(id);
    let t = self.get(id) ?? 0;
    for (const c of n.children ?? []) t += totalOf(c);
    const cf = n.callFrame;
    const k = `${cf.functionName || '(anon)'} ${cf.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${cf.lineNumber + 1}`;
    incl.set(k, (incl.get(k) ?? 0) + t);
    return t;
  };
  totalOf(profile.nodes[0].id);
  const re = new RegExp(process.env.INCLUSIVE);
  console.log(`\ninclusive time, frames matching /${process.env.INCLUSIVE}/:`);
  for (const [k, v] of [...incl]
    .filter(([k]) => re.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 40))
    console.log(pctOf(v), k);
}
