#!/usr/bin/env node
// Re-records tests/compliance/jmespath.js-0.16.0/ from the npm package
// jmespath@0.16.0 (tests/node_modules, `npm ci --prefix tests`): for every
// case of the official and community suites, what the package answers.
//
// Usage: node tests/js/record-compliance.js
//
// Each suite file (schema.json aside) gives a file of the same name and
// shape. A case keeps its expression, then holds jmespath.js's answer:
//   "result": VALUE                       the search gave a value
//   "result": null, "js_undefined": true  the search gave undefined
//   "error": KIND                         it threw (KIND as run.js names it)
// then, where the suite expected something else, "suite": {"result": ...}
// or {"error": ...}, then the case's "comment" and "bench" (other keys, such
// as the community suite's one misspelt "command", are dropped).
"use strict";

const fs = require("fs");
const path = require("path");
const util = require("util");
const {evaluate} = require("./run.js");

const compliance = path.join(__dirname, "..", "compliance");
const target = path.join(compliance, "jmespath.js-0.16.0");
const SUITES = ["official", "community"];

function suiteFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...suiteFiles(p));
    else if (entry.name.endsWith(".json") && entry.name !== "schema.json") out.push(p);
  }
  return out.sort();
}

// The suite's expectation, in the terms of the answer (none for a
// benchmark that states no result).
function expected(c) {
  if (c.error !== undefined) return {error: c.error};
  if (c.result !== undefined) return {result: c.result};
  return undefined;
}

// The keys of a suite case kept besides its expression and expectation.
const KEPT = ["comment", "bench"];

function recordCase(given, c) {
  const answer = evaluate(c.expression, given);
  const out = {expression: c.expression};
  let got;
  if (answer.error !== undefined) {
    got = {error: answer.error};
    out.error = answer.error;
  } else {
    const text = JSON.stringify(answer.value);
    got = {result: text === undefined ? null : JSON.parse(text)};
    out.result = got.result;
    if (text === undefined) out.js_undefined = true;
  }
  const want = expected(c);
  if (want !== undefined && !util.isDeepStrictEqual(got, want)) out.suite = want;
  for (const k of KEPT) {
    if (c[k] !== undefined) out[k] = c[k];
  }
  return out;
}

function recordFile(file) {
  const groups = JSON.parse(fs.readFileSync(file, "utf8"));
  return groups.map((g) => {
    const out = {};
    for (const [k, v] of Object.entries(g)) {
      out[k] = k === "cases" ? v.map((c) => recordCase(g.given, c)) : v;
    }
    return out;
  });
}

let written = 0;
for (const suite of SUITES) {
  const root = path.join(compliance, suite);
  for (const file of suiteFiles(root)) {
    const dest = path.join(target, suite, path.relative(root, file));
    fs.mkdirSync(path.dirname(dest), {recursive: true});
    fs.writeFileSync(dest, JSON.stringify(recordFile(file), null, 2) + "\n");
    written++;
  }
}
process.stdout.write("recorded " + written + " files under " + path.relative(process.cwd(), target) + "\n");
