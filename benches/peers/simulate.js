// Pangolin's login loop in node with jmespath@0.16.0: for each of 100,000
// sample users and each of 20 orgs, the org mapping with `{{orgId}}`
// substituted is searched (parsed again every time, as Pangolin does), and
// where it matches, the role mapping. Prints {"simulate_js": {ns, memberships}}.
//
// Usage: node simulate.js [users]
'use strict';
const jmespath = require('jmespath');
const { ORG_MAPPING, ROLE_MAPPING, SIM_ORGS, SIM_USERS, orgId, simUser, bestOfThree } = require('./common');

const users = Number(process.argv[2] || SIM_USERS);
const claims = [];
for (let i = 0; i < users; i++) claims.push(simUser(i));

function run() {
  let members = 0;
  for (const c of claims) {
    for (let o = 0; o < SIM_ORGS; o++) {
      const expr = ORG_MAPPING.replace('{{orgId}}', orgId(o));
      if (jmespath.search(c, expr)) {
        const role = jmespath.search(c, ROLE_MAPPING);
        if (typeof role === 'string') members += 1;
      }
    }
  }
  return members;
}

const { ns, memberships } = bestOfThree(run);
console.log(JSON.stringify({ simulate_js: { users, orgs: SIM_ORGS, ns, memberships } }));
