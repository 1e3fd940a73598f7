// Pangolin's login loop in node with jmespath@0.16.0, each expression
// compiled ONCE (not as Pangolin does: it re-parses per login): for each of
// 100,000 sample users and each of 20 orgs, the org mapping with `{{orgId}}`
// substituted is evaluated, and where it matches, the role mapping. The floor
// of what node can do with this engine; `simulate.js` is Pangolin's loop.
// Prints {"simulate_js_compiled": {ns, memberships}}.
//
// jmespath.js exports `compile` but nothing that evaluates a compiled tree:
// its own source is evaluated here with its interpreter exported as well
// (the engine's code unchanged).
//
// Usage: node simulate_compiled.js [users]
'use strict';
const fs = require('fs');
const { ORG_MAPPING, ROLE_MAPPING, SIM_ORGS, SIM_USERS, orgId, simUser, bestOfThree } = require('./common');

function loadEngine() {
  const src = fs.readFileSync(require.resolve('jmespath'), 'utf8');
  const marker = 'exports.search = search;';
  if (!src.includes(marker)) throw new Error('unexpected jmespath.js source');
  const patched = src.replace(marker, `${marker} exports.TreeInterpreter = TreeInterpreter; exports.Runtime = Runtime;`);
  const exports = {};
  new Function('exports', patched)(exports);
  return exports;
}

const jp = loadEngine();
const runtime = new jp.Runtime();
const interpreter = new jp.TreeInterpreter(runtime);
runtime._interpreter = interpreter;

const users = Number(process.argv[2] || SIM_USERS);
const claims = [];
for (let i = 0; i < users; i++) claims.push(simUser(i));

function run() {
  const role = jp.compile(ROLE_MAPPING);
  const orgs = [];
  for (let o = 0; o < SIM_ORGS; o++) orgs.push(jp.compile(ORG_MAPPING.replace('{{orgId}}', orgId(o))));
  let members = 0;
  for (const c of claims) {
    for (const org of orgs) {
      if (interpreter.search(org, c)) {
        const r = interpreter.search(role, c);
        if (typeof r === 'string') members += 1;
      }
    }
  }
  return members;
}

const { ns, memberships } = bestOfThree(run);
console.log(JSON.stringify({ simulate_js_compiled: { users, orgs: SIM_ORGS, ns, memberships } }));
