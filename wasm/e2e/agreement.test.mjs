// Agreement test: for every example config and every sample user, the
// playground's simulators (the WebAssembly modules the page runs, loaded
// here in node) and `rolemap simulate CONFIG --output json` give the same
// outcomes: for Pangolin status, message, the page shown, identifier, orgs
// and roles, for Grafana the login, role, its source and orgs, and in fact
// the whole outcome (trace and hints included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { required } from './env.mjs';

const site = required('PLAYGROUND_DIR');
const rolemapBin = required('ROLEMAP_BIN');
const examplesDir = required('EXAMPLES_DIR');

async function load(name) {
  const module = await import(pathToFileURL(path.join(site, 'pkg', `${name}.js`)).href);
  module.initSync({ module: fs.readFileSync(path.join(site, 'pkg', `${name}_bg.wasm`)) });
  return module;
}
const wasm = await load('rolemap_wasm');
const grafana = await load('rolemap_grafana');
const call = (fn, ...args) => JSON.parse(fn(...args));

// The page adds UTF-16 `range`s beside byte spans; the command has none.
function withoutRanges(v) {
  if (Array.isArray(v)) return v.map(withoutRanges);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'range').map(([k, x]) => [k, withoutRanges(x)]));
  }
  return v;
}

function cliJson(args) {
  return JSON.parse(execFileSync(rolemapBin, ['simulate', ...args, '--output', 'json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }));
}

const presets = JSON.parse(fs.readFileSync(path.join(site, 'examples.json'), 'utf8'));

test('every example folder with a config is a preset', () => {
  const folders = fs.readdirSync(examplesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.ok(folders.length > 0, 'no examples');
  for (const folder of folders) {
    if (!fs.existsSync(path.join(examplesDir, folder, 'pangolin.toml'))) continue;
    assert.ok(presets.some((p) => p.name === folder), `no preset for examples/${folder}`);
  }
  for (const p of presets) assert.equal(p.ok, true, `${p.name}: ${JSON.stringify(p.error)}`);
  const grafanaPresets = presets.filter((p) => p.target === 'grafana');
  assert.ok(grafanaPresets.length > 0, 'no Grafana preset');
  for (const folder of folders) {
    if (!fs.existsSync(path.join(examplesDir, folder, 'grafana.ini'))) continue;
    assert.ok(grafanaPresets.some((p) => p.name === folder), `no Grafana preset for examples/${folder}`);
  }
});

for (const preset of presets.filter((p) => p.target === 'grafana')) {
  const folder = preset.name.split('/')[0];
  test(`${preset.name} (Grafana): page and command agree`, () => {
    const dir = path.join(examplesDir, folder);
    const expected = cliJson([path.join(dir, preset.configPath), path.join(dir, 'users')]);
    const samples = preset.samples.map((s) => ({ label: s.label, text: s.text }));
    assert.ok(samples.length > 0, 'samples');
    const got = call(grafana.simulateGrafana, preset.configText, path.basename(preset.configPath), JSON.stringify(samples));
    assert.equal(got.ok, true, JSON.stringify(got.error));
    assert.equal(got.outcomes.length, expected.length, 'number of samples');
    got.outcomes.forEach((o, i) => {
      const e = expected[i];
      const where = `${preset.name} ${e.sample}`;
      assert.equal(o.sample, e.sample, `${where}: sample`);
      assert.equal(o.ok, e.ok, `${where}: ok`);
      assert.equal(o.login, e.login, `${where}: login`);
      assert.equal(o.role, e.role, `${where}: role`);
      assert.equal(o.role_source, e.role_source, `${where}: role source`);
      assert.deepEqual(o.orgs, e.orgs, `${where}: orgs`);
    });
    assert.deepEqual(got.outcomes, expected, `${preset.name}: whole outcomes`);
  });
}

for (const preset of presets.filter((p) => p.target !== 'grafana')) {
  const folder = preset.name.split('/')[0];
  const configPath = path.join(examplesDir, folder, preset.configPath);
  for (const allClaims of [false, true]) {
    test(`${preset.name}${allClaims ? ' --all-claims' : ''}: page and command agree`, () => {
      // Every field agrees, Pangolin's server log lines (`log`) included.
      const expected = cliJson([configPath, ...(allClaims ? ['--all-claims'] : [])]);
      const options = JSON.stringify({ allClaims });
      // As written (the preset's own files)...
      const samples = JSON.stringify(preset.samples.map((s) => ({ label: s.label, text: s.text })));
      const fromFiles = call(wasm.simulate, preset.configJson, 'json', samples, options);
      assert.equal(fromFiles.ok, true, JSON.stringify(fromFiles.error));
      // ...and as the page holds it (normalized config, sample texts).
      const fromPage = call(wasm.simulate, JSON.stringify(preset.config), 'json', samples, options);
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
