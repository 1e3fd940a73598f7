// Agreement test: for every example config and every sample user, the
// playground's simulator (the WebAssembly module the page runs, loaded here
// in node) and `rolemap simulate CONFIG --output json` give the same
// outcomes: status, message, the page shown, identifier, orgs and roles,
// and in fact the whole outcome (trace and hints included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { required } from './serve.mjs';

const site = required('PLAYGROUND_DIR');
const rolemapBin = required('ROLEMAP_BIN');
const examplesDir = required('EXAMPLES_DIR');

const wasm = await import(pathToFileURL(path.join(site, 'pkg', 'rolemap_wasm.js')).href);
wasm.initSync({ module: fs.readFileSync(path.join(site, 'pkg', 'rolemap_wasm_bg.wasm')) });
const call = (fn, ...args) => JSON.parse(fn(...args));

// The page adds UTF-16 `range`s beside byte spans; the command has none.
function withoutRanges(v) {
  if (Array.isArray(v)) return v.map(withoutRanges);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'range').map(([k, x]) => [k, withoutRanges(x)]));
  }
  return v;
}

// The module leaves each outcome's `log` (Pangolin's server log lines) out:
// it does not fit the module's size budget. Everything else must agree.
function cli(configPath, extra = []) {
  const out = execFileSync(rolemapBin, ['simulate', configPath, '--output', 'json', ...extra], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out).map(({ log, ...outcome }) => {
    assert.ok(Array.isArray(log), 'the CLI gives every outcome its log lines');
    return outcome;
  });
}

const presetsText = fs.readFileSync(path.join(site, 'examples.json'), 'utf8');
const presets = call(wasm.examples, presetsText);

test('every example folder with a config is a preset', () => {
  const folders = fs.readdirSync(examplesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.ok(folders.length > 0, 'no examples');
  for (const folder of folders) {
    if (!fs.existsSync(path.join(examplesDir, folder, 'pangolin.toml'))) continue;
    assert.ok(presets.some((p) => p.name === folder), `no preset for examples/${folder}`);
  }
  for (const p of presets) assert.equal(p.ok, true, `${p.name}: ${JSON.stringify(p.error)}`);
});

for (const preset of presets) {
  const folder = preset.name.split('/')[0];
  const configPath = path.join(examplesDir, folder, preset.configPath);
  for (const allClaims of [false, true]) {
    test(`${preset.name}${allClaims ? ' --all-claims' : ''}: page and command agree`, () => {
      const expected = cli(configPath, allClaims ? ['--all-claims'] : []);
      const options = JSON.stringify({ allClaims });
      // As written (the preset's own files)...
      const fromFiles = call(wasm.simulateExample, presetsText, preset.name, options);
      assert.equal(fromFiles.ok, true, JSON.stringify(fromFiles.error));
      // ...and as the page holds it (normalized config, sample texts).
      const fromPage = call(wasm.simulate, JSON.stringify(preset.config), 'json',
        JSON.stringify(preset.samples.map((s) => ({ label: s.label, text: s.text }))), options);
      assert.equal(fromPage.ok, true, JSON.stringify(fromPage.error));
      for (const got of [fromFiles.outcomes, fromPage.outcomes]) {
        assert.equal(got.length, expected.length, 'number of samples');
        got.forEach((o, i) => {
          const e = expected[i];
          const where = `${preset.name} ${e.sample}`;
          assert.equal(o.sample, e.sample, `${where}: sample`);
          assert.equal(o.status, e.status, `${where}: status`);
          assert.equal(o.message, e.message, `${where}: message`);
          assert.equal(o.shown, e.shown, `${where}: page shown`);
          assert.equal(o.identifier, e.identifier, `${where}: identifier`);
          assert.deepEqual(o.orgs, e.orgs, `${where}: orgs and roles`);
        });
        assert.deepEqual(withoutRanges(got), expected, `${preset.name}: whole outcomes`);
      }
    });
  }
}
