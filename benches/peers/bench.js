// jmespath.js 0.16.0 (the engine Pangolin runs) on rolemap's benchmark
// workloads. Prints one JSON object: {engine, results: {name: {parse, eval, both}}}
// in nanoseconds per operation.
//
// jmespath.js exports no way to evaluate a compiled tree, so `eval` is
// `search` (parse + evaluate, what Pangolin calls) minus `compile`.
//
// Usage: node bench.js [seconds-per-measurement]
'use strict';
const jmespath = require('jmespath');
const { workloads } = require('./common');

const budget = Number(process.argv[2] || 0.5) * 1e9;
let sink = 0;

// ns per call of f: batches grow until one takes 10 ms, then the best batch
// of those that fit the budget.
function measure(f) {
  let n = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += f() ? 1 : 0;
    const dt = Number(process.hrtime.bigint() - t);
    if (dt > 1e7) break;
    n *= 2;
  }
  let best = Infinity;
  const end = process.hrtime.bigint() + BigInt(Math.round(budget));
  do {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += f() ? 1 : 0;
    best = Math.min(best, Number(process.hrtime.bigint() - t) / n);
  } while (process.hrtime.bigint() < end);
  return best;
}

const results = {};
for (const w of workloads()) {
  const r = {};
  r.parse = measure(() => jmespath.compile(w.expression));
  r.both = measure(() => jmespath.search(w.data, w.expression));
  r.eval = Math.max(r.both - r.parse, 0);
  results[w.name] = r;
}
console.log(JSON.stringify({ engine: `jmespath.js ${require('jmespath/package.json').version}`, node: process.version, results, sink: sink > 0 }));
