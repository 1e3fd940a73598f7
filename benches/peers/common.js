// Shared by bench.js and simulate.js: the workloads and the sample users,
// built exactly as benches/src/lib.rs builds them.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

function slug(text) {
  let out = '';
  for (const c of text) {
    if (/^[A-Za-z0-9]$/.test(c)) out += c.toLowerCase();
    else if (!out.endsWith('-')) out += '-';
  }
  return out.replace(/^-+|-+$/g, '');
}

function workloads() {
  const out = [];
  const mapping = JSON.parse(fs.readFileSync(path.join(root, 'benches/data/workloads.json'), 'utf8'));
  for (const w of mapping.workloads) {
    out.push({ name: w.name, expression: w.expression, data: w.data });
  }
  const official = JSON.parse(fs.readFileSync(path.join(root, 'tests/compliance/official/benchmarks.json'), 'utf8'));
  let n = 0;
  for (const suite of official) {
    for (const c of suite.cases) {
      n += 1;
      out.push({
        name: `official-${String(n).padStart(2, '0')}-${slug(c.comment || 'case')}`,
        expression: c.expression,
        data: suite.given,
      });
    }
  }
  return out;
}

const ORG_MAPPING = "contains(groups, '{{orgId}}')";
const ROLE_MAPPING = "contains(groups, 'admin') && 'Admin' || 'Member'";
const SIM_ORGS = 20;
const SIM_USERS = 100000;
const orgId = (i) => `org${i}`;

function simUser(i) {
  const groups = [];
  if (i % 7 === 0) groups.push('admin');
  groups.push('media');
  for (let k = 0; k < i % 4; k++) groups.push(orgId((i * 7 + k * 3) % SIM_ORGS));
  return {
    iss: 'https://id.example.com',
    sub: `user-${i}`,
    aud: 'pangolin',
    exp: 1767225600,
    iat: 1767222000,
    preferred_username: `user${i}`,
    name: `User ${i}`,
    email: `user${i}@example.com`,
    email_verified: true,
    groups,
  };
}

// Runs a simulate loop three times: the best time in nanoseconds and the
// memberships the loop counted.
function bestOfThree(run) {
  let best = Infinity;
  let members = 0;
  for (let r = 0; r < 3; r++) {
    const t = process.hrtime.bigint();
    members = run();
    best = Math.min(best, Number(process.hrtime.bigint() - t));
  }
  return { ns: best, memberships: members };
}

module.exports = { root, workloads, ORG_MAPPING, ROLE_MAPPING, SIM_ORGS, SIM_USERS, orgId, simUser, bestOfThree };
