// The evaluation worker: loads the rolemap WebAssembly modules and answers
// the page's requests. It runs apart from the page so that a slow
// expression never freezes it: the page terminates and restarts this worker
// when a request takes too long. The Pangolin module loads at start; the
// Grafana module (Grafana's engines and login) only when a request is for
// the Grafana target.
import init, * as rolemap from './pkg/rolemap_wasm.js';

const ready = init();

let grafanaModule = null;
function grafana() {
  if (!grafanaModule) {
    grafanaModule = import('./pkg/rolemap_grafana.js').then(async (m) => {
      await m.default();
      return m;
    });
  }
  return grafanaModule;
}

const call = (fn, ...args) => JSON.parse(fn(...args));

// The presets: examples/ as data (`examples.json`, made at build time by
// `wasm/build.rs` with the simulator's own reader). Without them the page
// still works, with no preset to pick.
async function examples() {
  try {
    const response = await fetch('examples.json');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const presets = await response.json();
    if (!Array.isArray(presets)) throw new Error('not a list of presets: rebuild the playground (`cargo xtask playground`)');
    return presets;
  } catch (e) {
    console.warn(`rolemap: no presets: examples.json: ${e.message}`);
    return [];
  }
}

function lintField(field, claims) {
  if (field.text.trim() === '') return { ok: true, diagnostics: [] };
  return call(rolemap.lint, field.text, JSON.stringify({ ...field.options, claims }));
}

// Every sample's claims as Pangolin receives them (after the scopes),
// for the linter; samples that do not parse are left out.
function allClaims(req) {
  const out = [];
  for (const sample of req.samples) {
    const r = claimsOf(req, sample);
    if (r.ok) out.push(r.claims);
  }
  return out;
}

function claimsFor(req) {
  const sample = req.samples[req.focusSample];
  if (!sample) return { ok: true, claims: {}, removed: [] };
  return claimsOf(req, sample);
}

function claimsOf(req, sample) {
  if (req.allClaims) {
    const d = sample.text.trim().startsWith('{') ? null : call(rolemap.decodeJwt, sample.text);
    if (d && d.ok) return { ok: true, claims: d.payload, removed: [] };
    try {
      return { ok: true, claims: JSON.parse(sample.text), removed: [] };
    } catch (e) {
      return { ok: false, error: { message: `sample ${sample.label}: ${e.message}` } };
    }
  }
  return call(rolemap.filterClaims, req.provider, req.scopes, sample.text);
}

function run(req) {
  const out = { id: req.id, phase: 'main' };
  const claims = allClaims(req);
  out.lint = req.fields.map((f) => ({ key: f.key, result: lintField(f, claims) }));
  out.simulation = call(
    rolemap.simulate,
    JSON.stringify(req.config),
    'json',
    JSON.stringify(req.samples),
    JSON.stringify({ allClaims: req.allClaims }),
  );
  const focusClaims = claimsFor(req);
  out.claims = focusClaims;
  const focus = focusText(req.focus);
  req.focusEvaluated = focus.text;
  out.focusNote = focus.note;
  if (req.focus && focusClaims.ok) {
    out.value = call(rolemap.evaluate, focus.text, JSON.stringify(focusClaims.claims), req.dialect);
  }
  return out;
}

// The text Pangolin evaluates for the focused field: a role mapping is
// unwrapped (mapping builder), an org mapping gets the org id for {{orgId}}.
function focusText(focus) {
  if (!focus) return { text: '', note: null };
  if (focus.field === 'role_mapping') {
    const u = call(rolemap.unwrapRoleMapping, focus.text);
    return { text: u.expression, note: u.fromBuilder ? 'Stored by the mapping builder: Pangolin evaluates the expression after the --- line.' : null };
  }
  if (focus.field === 'org_mapping' && focus.text.includes('{{orgId}}')) {
    return { text: focus.text.replaceAll('{{orgId}}', focus.orgId), note: `{{orgId}} replaced by ${focus.orgId}, as Pangolin does before evaluating.` };
  }
  return { text: focus.text, note: null };
}

function explainPhase(req, claims, mod = rolemap) {
  if (!req.focus || !claims.ok) return { id: req.id, phase: 'explain', explain: null };
  const r = call(mod.explain, req.focusEvaluated, JSON.stringify(claims.claims), req.dialect);
  return { id: req.id, phase: 'explain', explain: r };
}

// A Grafana request: every setting linted (with every source's claims of
// every sample), every login simulated, and the focused setting evaluated
// on the first claim source of the focused sample (the one Grafana reads
// first).
function runGrafana(g, req) {
  const out = { id: req.id, phase: 'main' };
  const sources = req.samples.map((s) => call(g.grafanaSources, s.label, s.text));
  const claims = sources.filter((r) => r.ok).flatMap((r) => r.sources.map((x) => x.claims));
  out.lint = req.fields.map((f) => ({
    key: f.key,
    result: f.text.trim() === '' ? { ok: true, diagnostics: [] }
      : call(g.lintGrafana, f.text, JSON.stringify({ ...f.options, claims })),
  }));
  out.simulation = call(g.simulateGrafana, req.ini, req.file, JSON.stringify(req.samples));
  const focus = sources[req.focusSample];
  const sample = req.samples[req.focusSample];
  if (!focus) {
    out.claims = { ok: true, claims: {}, removed: [] };
  } else if (!focus.ok) {
    out.claims = focus;
  } else if (focus.sources.length === 0) {
    out.claims = { ok: false, error: { message: `${sample.label}: no claim source Grafana can read` } };
  } else {
    const first = focus.sources[0];
    out.claims = { ok: true, claims: first.claims, removed: [] };
    out.focusNote = `On the ${first.source} claims of ${sample.label}, the first source Grafana reads.`;
  }
  req.focusEvaluated = req.focus ? req.focus.text : '';
  if (req.focus && out.claims.ok) {
    out.value = call(g.evaluate, req.focusEvaluated, JSON.stringify(out.claims.claims), req.dialect);
  }
  return out;
}

self.onmessage = async (event) => {
  const req = event.data;
  try {
    await ready;
    if (req.type === 'hello') {
      self.postMessage({
        id: req.id,
        phase: 'hello',
        version: rolemap.version(),
        examples: await examples(),
      });
      return;
    }
    if (req.type === 'decode') {
      self.postMessage({ id: req.id, phase: 'decode', result: call(rolemap.decodeJwt, req.text) });
      return;
    }
    if (req.type === 'read-ini') {
      const g = await grafana();
      self.postMessage({ id: req.id, phase: 'read-ini', result: call(g.readGrafanaIni, req.text) });
      return;
    }
    if (req.target === 'grafana') {
      const g = await grafana();
      const main = runGrafana(g, req);
      self.postMessage(main);
      self.postMessage(explainPhase(req, main.claims, g));
      return;
    }
    const main = run(req);
    self.postMessage(main);
    self.postMessage(explainPhase(req, main.claims));
  } catch (e) {
    self.postMessage({ id: req.id, phase: 'crash', message: String(e && e.message ? e.message : e) });
  }
};
