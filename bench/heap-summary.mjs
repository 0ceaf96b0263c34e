// Summarizes a V8 heap snapshot (node --heapsnapshot-signal=SIGUSR2, then kill -USR2 <pid>), or the
// growth between two (see docs/performance.md#memory):
//   node --max-old-space-size=4096 bench/heap-summary.mjs <file.heapsnapshot> [top=30]
//   node --max-old-space-size=4096 bench/heap-summary.mjs <before.heapsnapshot> <after.heapsnapshot> [top]
// One file: self size by type/constructor; retained sizes from the dominator tree (weak edges
// ignored, as DevTools does), with each big retainer's dominator chain; class instances by
// retained size. Two files: objects and bytes gained or lost per type/constructor.
// Taking a snapshot makes the process allocate a lot of native memory that malloc keeps: measure
// RSS in a process that has never written one.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((a) => a.endsWith('.heapsnapshot'));
const TOP = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
const mb = (n) => (n / 1048576).toFixed(2).padStart(8);

function load(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const { meta } = snap.snapshot;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const f = (name) => meta.node_fields.indexOf(name);
  const g = (name) => meta.edge_fields.indexOf(name);
  const [iType, iName, iSize, iEdges] = [f('type'), f('name'), f('self_size'), f('edge_count')];
  const [eType, eName, eTo] = [g('type'), g('name_or_index'), g('to_node')];
  const { nodes, edges, strings } = snap;
  const N = nodes.length / NF;
  const firstEdge = new Uint32Array(N + 1);
  for (let i = 0, e = 0; i < N; i++) {
    firstEdge[i] = e;
    e += nodes[i * NF + iEdges] * EF;
    firstEdge[i + 1] = e;
  }
  const type = (i) => meta.node_types[0][nodes[i * NF + iType]];
  const name = (i) => strings[nodes[i * NF + iName]];
  const size = (i) => nodes[i * NF + iSize];
  const edgeType = (e) => meta.edge_types[0][edges[e + eType]];
  const edgeName = (e) => {
    const t = edgeType(e);
    return t === 'element' || t === 'hidden' ? `[${edges[e + eName]}]` : strings[edges[e + eName]];
  };
  const to = (e) => edges[e + eTo] / NF;
  return { N, firstEdge, EF, type, name, size, edgeType, edgeName, to };
}

/** type:constructor, with strings folded together and code/arrays by their (truncated) name. */
function kindOf(h, i) {
  const t = h.type(i);
  if (t === 'object' || t === 'native') return `${t}:${h.name(i)}`;
  if (t.includes('string')) return 'string';
  if (t === 'closure') return 'closure';
  if (t === 'code' || t === 'hidden' || t === 'array') return `${t}:${h.name(i).slice(0, 40)}`;
  return t;
}

function bySelf(h) {
  const out = new Map();
  let total = 0;
  for (let i = 0; i < h.N; i++) {
    const k = kindOf(h, i);
    const v = out.get(k) ?? [0, 0];
    v[0]++;
    v[1] += h.size(i);
    total += h.size(i);
    out.set(k, v);
  }
  return { out, total };
}

/** Immediate dominators (Cooper-Harvey-Kennedy) and retained sizes, weak and shortcut edges ignored. */
function dominators(h) {
  const { N, firstEdge, EF } = h;
  const strong = (e) => {
    const t = h.edgeType(e);
    return t !== 'weak' && t !== 'shortcut';
  };
  const order = new Int32Array(N).fill(-1);
  const post = new Uint32Array(N);
  const stack = new Uint32Array(N);
  const next = new Uint32Array(N);
  let count = 0;
  let sp = 0;
  stack[sp++] = 0;
  next[0] = firstEdge[0];
  order[0] = -2;
  while (sp) {
    const v = stack[sp - 1];
    let descended = false;
    for (let e = next[v]; e < firstEdge[v + 1]; e += EF) {
      if (!strong(e)) continue;
      const w = h.to(e);
      if (order[w] !== -1) continue;
      order[w] = -2;
      next[v] = e + EF;
      next[w] = firstEdge[w];
      stack[sp++] = w;
      descended = true;
      break;
    }
    if (!descended) {
      sp--;
      order[v] = count;
      post[count++] = v;
    }
  }
  const predStart = new Uint32Array(N + 1);
  for (let v = 0; v < N; v++)
    if (order[v] >= 0)
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += EF) if (strong(e)) predStart[h.to(e) + 1]++;
  for (let i = 0; i < N; i++) predStart[i + 1] += predStart[i];
  const preds = new Uint32Array(predStart[N]);
  const fill = predStart.slice();
  for (let v = 0; v < N; v++)
    if (order[v] >= 0)
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e += EF) if (strong(e)) preds[fill[h.to(e)]++] = v;
  const idom = new Int32Array(N).fill(-1);
  idom[0] = 0;
  const intersect = (a, b) => {
    while (a !== b) {
      while (order[a] < order[b]) a = idom[a];
      while (order[b] < order[a]) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let k = count - 1; k >= 0; k--) {
      const v = post[k];
      if (v === 0) continue;
      let d = -1;
      for (let p = predStart[v]; p < predStart[v + 1]; p++) {
        const u = preds[p];
        if (order[u] >= 0 && idom[u] !== -1) d = d === -1 ? u : intersect(u, d);
      }
      if (d !== -1 && idom[v] !== d) {
        idom[v] = d;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(N);
  for (let i = 0; i < N; i++) if (order[i] >= 0) retained[i] = h.size(i);
  for (let k = 0; k < count; k++) {
    const v = post[k];
    if (v !== 0 && idom[v] >= 0) retained[idom[v]] += retained[v];
  }
  return { idom, retained, reachable: (i) => order[i] >= 0 };
}

function summary(file) {
  const h = load(file);
  const { out, total } = bySelf(h);
  console.log(`${file}: ${h.N} nodes, ${mb(total).trim()} MB`);
  console.log('\n== self size by type:constructor (MB, count)');
  for (const [k, [n, s]] of [...out].sort((a, b) => b[1][1] - a[1][1]).slice(0, TOP))
    console.log(mb(s), String(n).padStart(8), k);

  const { idom, retained, reachable } = dominators(h);
  const label = (v) => {
    const d = idom[v];
    let via = '';
    for (let e = h.firstEdge[d]; e < h.firstEdge[d + 1]; e += h.EF)
      if (h.to(e) === v) {
        via = h.edgeName(e);
        break;
      }
    return `${h.type(v)}:${h.name(v).slice(0, 60).replace(/\s+/g, ' ')} (.${via})`;
  };
  const chain = (v) => {
    const parts = [];
    for (let x = v, k = 0; x !== 0 && k < 5; x = idom[x], k++) parts.push(label(x));
    return parts.join(' <- ');
  };
  console.log('\n== biggest retainers (MB retained, dominator chain)');
  const big = [];
  for (let i = 1; i < h.N; i++) if (retained[i] >= 262144 && h.type(i) !== 'synthetic') big.push(i);
  big.sort((a, b) => retained[b] - retained[a]);
  for (const v of big.slice(0, TOP)) console.log(mb(retained[v]), chain(v));

  console.log('\n== class instances by retained size (outermost instance of each class)');
  const skip = new Set(['Object', 'Array', 'Map', 'Set', 'Function', 'Promise', 'Generator', 'Module']);
  const classes = new Map();
  for (let i = 1; i < h.N; i++) {
    if (!reachable(i) || h.type(i) !== 'object') continue;
    const n = h.name(i);
    if (!/^[A-Z]/.test(n) || skip.has(n)) continue;
    let nested = false;
    for (let d = idom[i]; d !== 0; d = idom[d])
      if (h.type(d) === 'object' && h.name(d) === n) {
        nested = true;
        break;
      }
    if (nested) continue;
    const v = classes.get(n) ?? [0, 0];
    v[0]++;
    v[1] += retained[i];
    classes.set(n, v);
  }
  for (const [k, [n, s]] of [...classes].sort((a, b) => b[1][1] - a[1][1]).slice(0, TOP))
    console.log(mb(s), String(n).padStart(6), k);
}

function diff(before, after) {
  const a = bySelf(load(before));
  const b = bySelf(load(after));
  console.log(`total MB ${mb(a.total).trim()} -> ${mb(b.total).trim()}`);
  const rows = [...new Set([...a.out.keys(), ...b.out.keys()])].map((k) => {
    const [n0, s0] = a.out.get(k) ?? [0, 0];
    const [n1, s1] = b.out.get(k) ?? [0, 0];
    return { k, dn: n1 - n0, ds: s1 - s0, n: n1 };
  });
  console.log('\n== by bytes gained (KB, objects gained, objects now)');
  for (const r of rows.sort((x, y) => y.ds - x.ds).slice(0, TOP))
    console.log(
      String(Math.round(r.ds / 1024)).padStart(8),
      String(r.dn).padStart(8),
      String(r.n).padStart(8),
      r.k,
    );
  console.log('\n== by objects gained');
  for (const r of rows.sort((x, y) => y.dn - x.dn).slice(0, TOP))
    console.log(String(r.dn).padStart(8), String(Math.round(r.ds / 1024)).padStart(8), 'KB', r.k);
}

if (files.length === 1) summary(files[0]);
else if (files.length === 2) diff(files[0], files[1]);
else {
  console.error('usage: heap-summary.mjs <snapshot> [top] | <before> <after> [top]');
  process.exit(2);
}
