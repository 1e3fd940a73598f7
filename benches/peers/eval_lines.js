// The whole-process peer of `rolemap eval --jsonl EXPR FILE`: node reads a
// JSON Lines file, and for each line parses it, searches it with
// jmespath@0.16.0 (`search`, as Pangolin calls it: jmespath.js has no API to
// evaluate a compiled expression) and writes the result as one
// line of JSON ("error: ..." for an evaluation error), buffered.
//
// Usage: node eval_lines.js EXPR FILE
'use strict';
const fs = require('fs');
const readline = require('readline');
const jmespath = require('jmespath');

const [expr, file] = process.argv.slice(2);

async function main() {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let out = [];
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let text;
    try {
      const result = jmespath.search(JSON.parse(line), expr);
      text = JSON.stringify(result);
    } catch (e) {
      text = `error: ${e.message}`;
    }
    out.push(text);
    if (out.length >= 1024) {
      process.stdout.write(out.join('\n') + '\n');
      out = [];
    }
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
}
main();
