#!/usr/bin/env node
// Differential-test runner: evaluates cases with jmespath@0.16.0 in one process.
// (Also a module: `evaluate`, used by record-compliance.js.)
//
// Usage: node run.js CASES.json OUT.json
// CASES.json: [{"expression": "...", "data": <any JSON>}, ...]
// OUT.json:   one entry per case, in order:
//   {"result": <JSON.stringify'd value>}       the search gave a JSON value
//                                              (numbers as {"\u0000n": text})
//   {"undefined": true}                        JSON.stringify gave undefined
//                                              (a function, or undefined)
//   {"error": KIND, "message": "..."}          it threw; KIND is one of
//     syntax, invalid-type, invalid-arity, unknown-function, invalid-value,
//     internal (a native JavaScript crash: any error is acceptable)
"use strict";

const fs = require("fs");
const path = require("path");

const pkg = path.join(__dirname, "..", "node_modules", "jmespath");
let jmespath;
try {
  jmespath = require(pkg);
} catch (e) {
  process.stderr.write(
    "jmespath is not installed under tests/node_modules: run `npm ci --prefix tests`\n");
  process.exit(3);
}
const version = require(path.join(pkg, "package.json")).version;
if (version !== "0.16.0") {
  process.stderr.write(
    "tests/node_modules/jmespath is " + version + ", not 0.16.0: run `npm ci --prefix tests`\n");
  process.exit(3);
}

// Errors jmespath.js raises on purpose are plain `Error`s (some renamed
// LexerError/ParserError); anything else (TypeError, RangeError...) is a
// crash of the package itself, except JSON.parse's SyntaxError while
// lexing a literal or a quoted identifier, which is a syntax error.
function isNative(e) {
  return !(e instanceof Error) || (e.constructor !== Error);
}

function parseTimeKind(e) {
  if (e && (e.name === "LexerError" || e.name === "ParserError")) return "syntax";
  if (e instanceof SyntaxError) return "syntax";
  if (isNative(e)) return "internal";
  return "syntax";
}

function runtimeKind(e) {
  if (isNative(e)) return "internal";
  const m = String(e.message);
  if (m.startsWith("TypeError")) return "invalid-type";
  if (m.startsWith("ArgumentError")) return "invalid-arity";
  if (m.startsWith("Unknown function")) return "unknown-function";
  if (m.startsWith("Invalid slice")) return "invalid-value";
  return "internal";
}

// JSON.stringify writes a lone UTF-16 surrogate (jmespath.js can split a
// pair, e.g. with reverse) as an escape `\udXXX`, which Rust's JSON readers
// refuse; it becomes U+FFFD, as the engine writes it. Paired surrogates are
// written as characters, so every such escape is a lone one.
function wellFormed(text) {
  return text.replace(/\\\\|\\ud[89a-f][0-9a-f]{2}/g,
    (m) => (m === "\\\\" ? m : "\\ufffd"));
}

// Numbers are written as {"\u0000n": "<JavaScript's text>"}: Rust's JSON
// reader (serde_json without float_roundtrip) may round a double's text to
// a neighbouring double; the test reads the text with an exact parser.
function encodeNumbers(v) {
  if (typeof v === "number") return {"\u0000n": String(v)};
  if (Array.isArray(v)) return v.map(encodeNumbers);
  if (v !== null && typeof v === "object") {
    const o = Object.create(null);
    for (const k of Object.keys(v)) o[k] = encodeNumbers(v[k]);
    return o;
  }
  return v;
}

// What jmespath.js answers for `expression` over `data`: {value} (the
// value searched, possibly undefined) or {error: KIND, message}.
function evaluate(expression, data) {
  try {
    jmespath.compile(expression);
  } catch (e) {
    return {error: parseTimeKind(e), message: String(e && e.message)};
  }
  try {
    return {value: jmespath.search(data, expression)};
  } catch (e) {
    return {error: runtimeKind(e), message: String(e && e.message)};
  }
}

function runCase(c) {
  const answer = evaluate(c.expression, c.data);
  if (answer.error !== undefined) return answer;
  const text = JSON.stringify(answer.value);
  if (text === undefined) return {undefined: true};
  return {result: encodeNumbers(JSON.parse(wellFormed(text)))};
}

module.exports = {evaluate};

if (require.main === module) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    process.stderr.write("usage: node run.js CASES.json OUT.json\n");
    process.exit(2);
  }
  const cases = JSON.parse(fs.readFileSync(input, "utf8"));
  const out = cases.map(runCase).map((r) => wellFormed(JSON.stringify(r)));
  fs.writeFileSync(output, "[\n" + out.join(",\n") + "\n]\n");
}
