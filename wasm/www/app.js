// The rolemap playground page: holds the state (a simulator config, the
// sample users and the view settings), renders it, and asks the worker
// (worker.js, which runs the rolemap WebAssembly module) for results on
// every change. The whole state lives in the URL fragment, so a link
// shares it; nothing leaves the page.

import { $, el } from './dom.js';
import {
  blankGrafana, grafanaExprFields, grafanaFromIni, grafanaIni, grafanaLintSettings,
  renderGrafanaForm, renderGrafanaOutcome,
} from './grafana.js';

const TIMEOUT_MS = 4000;
const PROVIDERS = [
  ['pocket-id', 'Pocket ID'], ['authentik', 'Authentik'], ['keycloak', 'Keycloak'],
  ['authelia', 'Authelia'], ['zitadel', 'Zitadel'], ['kanidm', 'Kanidm'],
  ['entra-id', 'Microsoft Entra ID'], ['google', 'Google'], ['okta', 'Okta'],
  ['dex', 'Dex'], ['generic', 'Other OIDC provider'],
];

// ---------------------------------------------------------------- state

function blankState() {
  return {
    v: 1,
    preset: '',
    target: 'pangolin',
    dialect: 'pangolin',
    allClaims: false,
    focus: 'role',
    focusSample: 0,
    config: {
      samples: [],
      pangolin: { edition: 'oss', version: '', url: null },
      idp: {
        id: 1, name: '', provider: 'generic', scopes: 'openid profile email',
        identifier_path: 'preferred_username', email_path: 'email', name_path: 'name',
        auto_provision: true, default_role_mapping: "'Member'", default_org_mapping: "'{{orgId}}'",
      },
      orgs: [{ id: 'home-lab', roles: ['Admin', 'Member'], role_mapping: null, org_mapping: null, role_mapping_builder: null, linked: true }],
      users: [],
    },
    usersText: '[]',
    grafana: blankGrafana(),
    samples: [{ label: 'user.json', text: '{\n  "sub": "1",\n  "preferred_username": "alice",\n  "email": "alice@example.com",\n  "groups": ["admin"]\n}' }],
  };
}

let state = blankState();
let examples = [];

// The URL fragment: `#s=` + base64url(deflate-raw(JSON)).
function toBase64Url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
function fromBase64Url(text) {
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}
async function encodeState(s) {
  const json = new TextEncoder().encode(JSON.stringify(s));
  return toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
}
async function decodeState(text) {
  const bytes = await pipe(fromBase64Url(text), new DecompressionStream('deflate-raw'));
  return JSON.parse(new TextDecoder().decode(bytes));
}

let hashTimer = null;
function scheduleHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(async () => {
    try {
      const encoded = await encodeState(state);
      history.replaceState(null, '', `#s=${encoded}`);
    } catch (e) {
      showStatus(`Cannot write the share link: ${e.message}`, 'error');
    }
  }, 150);
}

// ---------------------------------------------------------------- worker

let worker = null;
let nextId = 1;
let inFlight = null; // {id, timer, phase}
let queued = false;
const waiters = new Map();

function startWorker() {
  worker = new Worker('worker.js', { type: 'module' });
  worker.onmessage = (e) => onWorkerMessage(e.data);
  worker.onerror = (e) => {
    showStatus(`The evaluation worker failed: ${e.message || 'unknown error'}; restarting it.`, 'error');
    restartWorker();
  };
}

function restartWorker() {
  if (worker) worker.terminate();
  if (inFlight) clearTimeout(inFlight.timer);
  inFlight = null;
  startWorker();
}

function ask(message) {
  return new Promise((resolve) => {
    const id = nextId++;
    waiters.set(id, resolve);
    worker.postMessage({ ...message, id });
  });
}

function onWorkerMessage(msg) {
  if (waiters.has(msg.id)) {
    const resolve = waiters.get(msg.id);
    waiters.delete(msg.id);
    resolve(msg);
    return;
  }
  if (!inFlight || msg.id !== inFlight.id) return;
  if (msg.phase === 'crash') {
    clearTimeout(inFlight.timer);
    inFlight = null;
    showStatus(`Evaluation failed: ${msg.message}. The worker was restarted.`, 'error');
    restartWorker();
    drain();
    return;
  }
  if (msg.phase === 'main') {
    renderResults(msg);
    clearTimeout(inFlight.timer);
    inFlight.phase = 'explain';
    inFlight.timer = setTimeout(() => onTimeout('explain'), TIMEOUT_MS);
    return;
  }
  if (msg.phase === 'explain') {
    clearTimeout(inFlight.timer);
    inFlight = null;
    renderExplain(msg.explain);
    drain();
  }
}

function onTimeout(phase) {
  const what = phase === 'explain' ? 'Explaining the expression' : 'Evaluating';
  const message = `${what} took longer than ${TIMEOUT_MS / 1000} s and was stopped (the worker was restarted). Simplify the expression.`;
  if (phase === 'explain') {
    $('explain').replaceChildren(el('p', { class: 'error-text timeout', text: message }));
  } else {
    $('outcomes').replaceChildren(el('p', { class: 'error-text timeout', text: message }));
    $('value').replaceChildren(el('p', { class: 'error-text timeout', text: message }));
    $('explain').replaceChildren();
  }
  showStatus(message, 'error');
  restartWorker();
  drain();
}

function drain() {
  if (queued && !inFlight) {
    queued = false;
    evaluate();
  }
}

// Asks for results; while a request runs, only the latest change waits.
function evaluate() {
  if (inFlight) {
    queued = true;
    return;
  }
  const request = buildRequest();
  const id = nextId++;
  inFlight = { id, phase: 'main', timer: setTimeout(() => onTimeout('main'), TIMEOUT_MS) };
  worker.postMessage({ ...request, id, type: 'run' });
}

// ---------------------------------------------------------------- fields

// Every expression field: key -> {label, field kind, get, set, org}
function exprFields() {
  if (state.target === 'grafana') return grafanaExprFields(state.grafana);
  const idp = state.config.idp;
  const fields = [
    { key: 'identifier', label: 'Identifier path', field: 'identifier_path', get: () => idp.identifier_path ?? '', set: (v) => { idp.identifier_path = v; } },
    { key: 'email', label: 'Email path', field: 'email_path', get: () => idp.email_path ?? '', set: (v) => { idp.email_path = v || null; } },
    { key: 'name', label: 'Name path', field: 'name_path', get: () => idp.name_path ?? '', set: (v) => { idp.name_path = v || null; } },
    { key: 'role', label: 'Default role mapping', field: 'role_mapping', get: () => idp.default_role_mapping ?? '', set: (v) => { idp.default_role_mapping = v || null; } },
    { key: 'org', label: 'Default org mapping', field: 'org_mapping', get: () => idp.default_org_mapping ?? '', set: (v) => { idp.default_org_mapping = v || null; } },
  ];
  state.config.orgs.forEach((org, i) => {
    fields.push({ key: `org${i}-role`, label: `Role mapping of ${org.id || `org ${i + 1}`}`, field: 'role_mapping', org: i, get: () => org.role_mapping ?? '', set: (v) => { org.role_mapping = v || null; } });
    fields.push({ key: `org${i}-org`, label: `Org mapping of ${org.id || `org ${i + 1}`}`, field: 'org_mapping', org: i, get: () => org.org_mapping ?? '', set: (v) => { org.org_mapping = v || null; } });
  });
  return fields;
}

const editors = new Map(); // key -> {textarea, backdrop, list, field}

// The backdrop under a textarea: one layer per diagnostic (so that
// overlapping ranges each get their underline), every layer holding the
// field's text with a <mark> around that diagnostic's range.
function backdropLayers(text, diagnostics) {
  const layer = (d) => {
    const div = el('div', { class: 'layer' });
    if (!d) {
      div.append(text + '\n');
      return div;
    }
    const start = Math.min(d.range[0], text.length);
    const end = Math.min(Math.max(d.range[1], start), text.length);
    const empty = end === start;
    div.append(
      text.slice(0, start),
      el('mark', {
        class: `diag ${d.severity || 'error'}${empty ? ' empty' : ''}`,
        'data-code': d.code,
        'data-start': start,
        'data-end': end,
        title: d.message,
      }, empty ? '\u200b' : text.slice(start, end)),
      text.slice(end) + '\n',
    );
    return div;
  };
  return diagnostics.length ? diagnostics.map(layer) : [layer(null)];
}

function makeEditor(mount, f, { rows = 2, placeholder = '' } = {}) {
  const node = $('tpl-expr').content.firstElementChild.cloneNode(true);
  const id = `field-${f.key}`;
  node.dataset.key = f.key;
  const label = node.querySelector('label');
  label.textContent = f.label;
  label.htmlFor = id;
  const textarea = node.querySelector('textarea');
  textarea.id = id;
  textarea.rows = rows;
  textarea.placeholder = placeholder;
  textarea.value = f.get();
  const list = node.querySelector('.diagnostics');
  list.id = `${id}-diagnostics`;
  textarea.setAttribute('aria-describedby', list.id);
  const backdrop = node.querySelector('.backdrop');
  backdrop.replaceChildren(...backdropLayers(textarea.value, []));
  textarea.addEventListener('input', () => {
    f.set(textarea.value);
    backdrop.replaceChildren(...backdropLayers(textarea.value, []));
    changed();
  });
  textarea.addEventListener('scroll', () => {
    backdrop.scrollTop = textarea.scrollTop;
    backdrop.scrollLeft = textarea.scrollLeft;
  });
  textarea.addEventListener('focus', () => {
    if (state.focus !== f.key) {
      state.focus = f.key;
      $('focus').value = f.key;
      changed();
    }
  });
  const app = state.target === 'grafana' ? 'Grafana' : 'Pangolin';
  const where = state.target === 'grafana' ? 'grafana.ini after `key = `' : "Pangolin's field";
  node.querySelector('.copy').addEventListener('click', () => copyText(textarea.value, `${f.label} copied: paste it into ${where} as is.`));
  node.querySelector('.copy').setAttribute('aria-label', `Copy ${f.label} for ${app}`);
  mount.replaceChildren(node);
  editors.set(f.key, { textarea, backdrop, list, field: f });
}

function renderDiagnostics(key, result) {
  const ed = editors.get(key);
  if (!ed) return;
  const diags = result && result.ok ? result.diagnostics : [];
  ed.backdrop.replaceChildren(...backdropLayers(ed.textarea.value, diags));
  ed.textarea.setAttribute('aria-invalid', diags.some((d) => d.severity === 'error') ? 'true' : 'false');
  ed.list.replaceChildren(...diags.map((d) => el('li', { class: `diag-item ${d.severity}`, 'data-code': d.code },
    el('span', { class: 'sev', text: d.severity }),
    d.code ? el('code', { class: 'code', text: d.code }) : null,
    el('span', { class: 'msg', text: ` ${d.message}` }),
    d.label ? el('span', { class: 'label', text: ` (${d.label})` }) : null,
    d.help ? el('div', { class: 'help', text: `help: ${d.help}` }) : null,
  )));
  if (result && !result.ok) ed.list.append(el('li', { class: 'diag-item error', text: result.error.message }));
}

function renderOrgs() {
  const mount = $('orgs');
  mount.replaceChildren();
  for (const key of [...editors.keys()]) if (key.startsWith('org') && /^org\d/.test(key)) editors.delete(key);
  state.config.orgs.forEach((org, i) => {
    const card = el('fieldset', { class: 'org', 'data-org': org.id });
    card.append(el('legend', { text: org.id || `Organization ${i + 1}` }));
    const idInput = el('input', { type: 'text', id: `org${i}-id`, value: org.id, spellcheck: false, autocomplete: 'off' });
    idInput.addEventListener('input', () => {
      org.id = idInput.value;
      card.querySelector('legend').textContent = org.id || `Organization ${i + 1}`;
      card.dataset.org = org.id;
      refreshFocusOptions();
      changed();
    });
    const rolesInput = el('input', { type: 'text', id: `org${i}-roles`, value: org.roles.join(', '), spellcheck: false, autocomplete: 'off' });
    rolesInput.addEventListener('input', () => {
      org.roles = rolesInput.value.split(',').map((r) => r.trim()).filter((r) => r !== '');
      changed();
    });
    const linked = el('input', { type: 'checkbox', id: `org${i}-linked`, checked: org.linked !== false });
    linked.addEventListener('change', () => { org.linked = linked.checked; changed(); });
    const remove = el('button', { type: 'button', class: 'secondary small danger', text: 'Remove' });
    remove.setAttribute('aria-label', `Remove organization ${org.id}`);
    remove.addEventListener('click', () => {
      state.config.orgs.splice(i, 1);
      renderOrgs();
      refreshFocusOptions();
      changed();
    });
    card.append(
      el('div', { class: 'row two' },
        el('div', { class: 'field' }, el('label', { htmlFor: `org${i}-id`, text: 'Org id' }), idInput),
        el('div', { class: 'field' }, el('label', { htmlFor: `org${i}-roles`, text: 'Roles (comma-separated, case-sensitive)' }), rolesInput)),
      el('div', { class: 'row between' },
        el('label', { class: 'inline' }, linked, ' Linked to this IdP (cloud edition only evaluates linked orgs)'),
        remove),
    );
    const roleMount = el('div');
    const orgMount = el('div');
    const policy = el('details', { class: 'policy', open: Boolean(org.role_mapping || org.org_mapping) },
      el('summary', { text: 'Policy of this org (overrides the defaults)' }), roleMount, orgMount);
    card.append(policy);
    mount.append(card);
    const fields = exprFields();
    makeEditor(roleMount, fields.find((f) => f.key === `org${i}-role`), { placeholder: 'empty: the default role mapping' });
    makeEditor(orgMount, fields.find((f) => f.key === `org${i}-org`), { placeholder: 'empty: the default org mapping' });
  });
}

function renderSamples() {
  const mount = $('samples');
  mount.replaceChildren();
  state.samples.forEach((s, i) => {
    const labelInput = el('input', { type: 'text', id: `sample${i}-label`, value: s.label, spellcheck: false, autocomplete: 'off' });
    const text = el('textarea', { id: `sample${i}-text`, rows: 6, spellcheck: false, value: s.text });
    const decoded = el('div', { class: 'decoded', id: `sample${i}-decoded` });
    const remove = el('button', { type: 'button', class: 'secondary small danger', text: 'Remove' });
    remove.setAttribute('aria-label', `Remove sample ${s.label}`);
    labelInput.addEventListener('input', () => { s.label = labelInput.value; refreshSampleOptions(); changed(); });
    text.addEventListener('input', () => { s.text = text.value; showDecoded(s.text, decoded); changed(); });
    remove.addEventListener('click', () => {
      state.samples.splice(i, 1);
      state.focusSample = Math.min(state.focusSample, Math.max(0, state.samples.length - 1));
      renderSamples();
      refreshSampleOptions();
      changed();
    });
    mount.append(el('div', { class: 'sample', 'data-sample': s.label },
      el('div', { class: 'row between' },
        el('div', { class: 'field grow' }, el('label', { htmlFor: `sample${i}-label`, text: 'Label' }), labelInput),
        remove),
      el('label', { htmlFor: `sample${i}-text`, text: `Claims of ${s.label} (JSON or JWT)` }),
      text, decoded));
    showDecoded(s.text, decoded);
  });
}

async function showDecoded(text, mount) {
  const t = text.trim();
  if (t === '' || t.startsWith('{')) {
    mount.replaceChildren();
    return;
  }
  const msg = await ask({ type: 'decode', text: t });
  const r = msg.result;
  if (!r || !r.ok) {
    mount.replaceChildren(el('p', { class: 'error-text', text: r ? r.error.message : 'cannot decode' }));
    return;
  }
  mount.replaceChildren(el('details', {},
    el('summary', { text: `JWT decoded locally (alg ${r.header.alg ?? '?'}, signature not verified)` }),
    el('pre', { text: JSON.stringify(r.payload, null, 2) })));
}

function defaultFocus() {
  return state.target === 'grafana' ? 'g-role_attribute_path' : 'role';
}

// Shows the form, the dialects and the notes of the current target.
function showTarget() {
  const grafana = state.target === 'grafana';
  for (const r of document.querySelectorAll('input[name="target"]')) r.checked = r.value === state.target;
  for (const label of document.querySelectorAll('label[data-target]')) label.hidden = label.dataset.target !== state.target;
  for (const r of document.querySelectorAll('input[name="dialect"]')) r.checked = r.value === state.dialect;
  $('grafana-form').hidden = !grafana;
  $('pangolin-form').hidden = grafana;
  $('all-claims-label').hidden = grafana;
  $('samples-note').textContent = grafana
    ? 'Paste a JSON object of claims (the ID token), a whole JWT (decoded here, not verified), or {"id_token": ..., "userinfo": ..., "access_token": ...}: Grafana reads the sources in that order.'
    : 'Paste a JSON object of claims, or a whole ID token (JWT): it is decoded here, not verified.';
}

function refreshFocusOptions() {
  const sel = $('focus');
  const fields = exprFields();
  sel.replaceChildren(...fields.map((f) => el('option', { value: f.key, text: f.label })));
  if (!fields.some((f) => f.key === state.focus)) state.focus = defaultFocus();
  sel.value = state.focus;
}

function refreshSampleOptions() {
  const sel = $('focus-sample');
  sel.replaceChildren(...state.samples.map((s, i) => el('option', { value: String(i), text: s.label || `sample ${i + 1}` })));
  sel.value = String(state.focusSample);
}

function renderAll() {
  const { config } = state;
  const idp = config.idp;
  $('idp-name').value = idp.name ?? '';
  $('provider').value = idp.provider ?? 'generic';
  $('edition').value = config.pangolin.edition ?? 'oss';
  $('version').value = config.pangolin.version ?? '';
  $('auto-provision').checked = Boolean(idp.auto_provision);
  $('scopes').value = idp.scopes ?? '';
  $('users').value = state.usersText;
  $('all-claims').checked = state.allClaims;
  $('preset').value = examples.some((e) => e.name === state.preset) ? state.preset : '';
  showTarget();
  editors.clear();
  if (state.target === 'grafana') {
    renderGrafanaForm(state.grafana, makeEditor, changed);
    renderSamples();
    refreshFocusOptions();
    refreshSampleOptions();
    return;
  }
  const fields = exprFields();
  const byKey = (k) => fields.find((f) => f.key === k);
  makeEditor($('expr-identifier'), byKey('identifier'), { rows: 1 });
  makeEditor($('expr-email'), byKey('email'), { rows: 1 });
  makeEditor($('expr-name'), byKey('name'), { rows: 1 });
  makeEditor($('expr-role'), byKey('role'), { rows: 3 });
  makeEditor($('expr-org'), byKey('org'), { rows: 2 });
  renderOrgs();
  renderSamples();
  refreshFocusOptions();
  refreshSampleOptions();
}

// ---------------------------------------------------------------- results

function configForRun() {
  const config = structuredClone(state.config);
  config.samples = [];
  if (!config.pangolin.version) delete config.pangolin.version;
  if (!config.pangolin.url) delete config.pangolin.url;
  if (!config.idp.name) config.idp.name = null;
  let usersError = '';
  try {
    const users = JSON.parse(state.usersText.trim() === '' ? '[]' : state.usersText);
    if (!Array.isArray(users)) throw new Error('expected a JSON array of users');
    config.users = users;
  } catch (e) {
    usersError = `Existing users: ${e.message} (ignored until fixed)`;
    config.users = [];
  }
  $('users-error').textContent = usersError;
  return config;
}

// What the linter is told about a field: its kind, the edition, and for an
// org's policy that org's id and roles (the defaults apply to every org:
// the roles of all of them).
function lintOptions(f) {
  const orgs = state.config.orgs;
  const options = { dialect: state.dialect, field: f.field, edition: state.config.pangolin.edition || 'oss' };
  if (f.org !== undefined) {
    const org = orgs[f.org];
    if (org) {
      options.orgId = org.id;
      options.roles = org.roles;
    }
  } else if (f.field === 'role_mapping' && orgs.length) {
    options.roles = [...new Set(orgs.flatMap((o) => o.roles))];
  }
  return options;
}

function buildGrafanaRequest() {
  const fields = exprFields();
  const focus = fields.find((f) => f.key === state.focus) || fields[0];
  const settings = grafanaLintSettings(state.grafana);
  return {
    target: 'grafana',
    ini: grafanaIni(state.grafana),
    file: state.grafana.file || 'grafana.ini',
    samples: state.samples.map((s) => ({ label: s.label, text: s.text })),
    dialect: state.dialect,
    focusSample: state.focusSample,
    focus: { key: focus.key, text: focus.get(), field: focus.field },
    fields: fields.map((f) => ({ key: f.key, text: f.get(), options: { field: f.field, ...settings } })),
  };
}

function buildRequest() {
  if (state.target === 'grafana') return buildGrafanaRequest();
  const fields = exprFields();
  const focus = fields.find((f) => f.key === state.focus) || fields[3];
  const orgId = focus.org !== undefined ? state.config.orgs[focus.org]?.id : state.config.orgs[0]?.id;
  return {
    config: configForRun(),
    samples: state.samples.map((s) => ({ label: s.label, text: s.text })),
    allClaims: state.allClaims,
    dialect: state.dialect,
    provider: state.config.idp.provider,
    scopes: state.config.idp.scopes,
    focusSample: state.focusSample,
    focus: { key: focus.key, text: focus.get(), field: focus.field, orgId: orgId ?? '' },
    fields: fields.map((f) => ({ key: f.key, text: f.get(), options: lintOptions(f) })),
  };
}

function valueText(v) {
  if (!v.hasJson) return v.type; // undefined, function
  return JSON.stringify(v.value, null, 2);
}

function renderValue(msg) {
  const mount = $('value');
  mount.replaceChildren();
  if (msg.focusNote) mount.append(el('p', { class: 'note', text: msg.focusNote }));
  if (!msg.claims || !msg.claims.ok) {
    mount.append(el('p', { class: 'error-text', text: msg.claims ? msg.claims.error.message : 'no claims' }));
    return;
  }
  if (msg.claims.removed && msg.claims.removed.length) {
    mount.append(el('p', { class: 'note', text: `Not in the token with these scopes: ${msg.claims.removed.map((r) => `${r.claim} (needs scope ${r.scope})`).join(', ')}` }));
  }
  const v = msg.value;
  if (!v) return;
  if (v.ok) {
    mount.append(
      el('div', { class: 'value-head' },
        el('span', { class: 'type', text: v.type }),
        el('span', { class: v.truthy ? 'truthy yes' : 'truthy no', text: v.truthy ? 'truthy' : 'falsy' })),
      el('pre', { class: 'json', id: 'value-json', text: valueText(v) }),
    );
  } else {
    mount.append(el('p', { class: `error-text kind-${v.error.kind}`, id: 'value-error' },
      el('code', { text: v.error.kind }), ` ${v.error.message}`,
      v.error.jsMessage ? el('span', { class: 'js', text: ` (${state.target === 'grafana' ? 'Grafana' : 'Pangolin'} logs: ${v.error.jsMessage})` }) : null));
  }
}

function renderExplain(r) {
  const mount = $('explain');
  if (!r) { mount.replaceChildren(); return; }
  if (!r.root) {
    mount.replaceChildren(el('p', { class: 'note', text: r.ok ? 'Nothing to explain.' : r.error.message }));
    return;
  }
  const step = (s) => {
    const value = s.error ? el('span', { class: 'step-error', text: s.error })
      : el('code', { class: 'step-value', text: JSON.stringify(s.value) });
    const li = el('li', {},
      el('div', { class: 'step' },
        el('code', { class: 'step-text', text: s.text }),
        el('span', { class: 'step-node', text: s.node }),
        el('span', { class: 'arrow', text: '→' }), value,
        s.note ? el('div', { class: 'step-note', text: s.note }) : null,
        s.omitted ? el('div', { class: 'step-note', text: `${s.omitted} more steps not shown` }) : null));
    if (s.children && s.children.length) li.append(el('ul', {}, s.children.map(step)));
    return li;
  };
  mount.replaceChildren(el('ul', { class: 'tree' }, step(r.root)));
}

function renderOutcome(o, idpName) {
  const ok = o.status === 201;
  const card = el('article', { class: `outcome ${ok ? 'ok' : 'fail'}`, 'data-sample': o.sample });
  card.append(el('header', {},
    el('span', { class: 'badge status', text: String(o.status) }),
    el('strong', { class: 'label', text: o.sample }),
    o.identifier ? el('span', { class: 'identifier', text: `as ${o.identifier}` }) : null));
  if (o.shown) card.append(el('p', { class: 'shown', text: o.shown }));
  card.append(el('p', { class: 'message', text: o.message }));
  if (o.error) {
    card.append(el('p', { class: 'error-text' },
      `${o.error.step}: `, el('code', { text: o.error.kind }), ` ${o.error.message}`,
      o.error.js_message ? el('span', { class: 'js', text: ` (server log: ${o.error.js_message})` }) : null));
  }
  if (o.orgs.length) {
    card.append(el('ul', { class: 'memberships' }, o.orgs.map((m) => el('li', { 'data-org': m.org },
      el('span', { class: 'm-org', text: m.org }), ': ',
      el('span', { class: 'roles', text: m.roles.join(', ') || '(no roles)' }),
      m.auto ? null : el('span', { class: 'tag', text: 'manual' })))));
  } else if (ok) {
    card.append(el('p', { class: 'note', text: 'No org memberships.' }));
  }
  if (o.removed_claims && o.removed_claims.length) {
    card.append(el('p', { class: 'note', text: `Scopes removed: ${o.removed_claims.map((r) => `${r.claim} (scope ${r.scope})`).join(', ')}` }));
  }
  if (o.hints.length) {
    card.append(el('ul', { class: 'hints' }, o.hints.map((h) => el('li', { 'data-hint': h.code },
      el('strong', { text: h.message }), el('div', { class: 'fix', text: h.fix })))));
  }
  if (o.trace.length) {
    const rows = o.trace.map((t) => el('tr', {},
      el('td', { text: t.org }), el('td', { text: t.decision }), el('td', { text: t.reason })));
    card.append(el('details', { class: 'trace' }, el('summary', { text: 'Per organization' }),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'Org' }), el('th', { text: 'Decision' }), el('th', { text: 'Why' }))),
        el('tbody', {}, rows))));
  }
  if (o.log && o.log.length) {
    card.append(el('details', { class: 'server-log' }, el('summary', { text: "Pangolin's server log" }),
      el('pre', { text: o.log.join('\n') })));
  }
  void idpName;
  return card;
}

function renderResults(msg) {
  for (const { key, result } of msg.lint) renderDiagnostics(key, result);
  const sim = msg.simulation;
  const mount = $('outcomes');
  if (!sim.ok) {
    mount.replaceChildren(el('p', { class: 'error-text', id: 'simulation-error', text: sim.error.message }));
  } else {
    const draw = state.target === 'grafana' ? renderGrafanaOutcome : (o) => renderOutcome(o, sim.idpName);
    mount.replaceChildren(...sim.outcomes.map(draw));
  }
  renderValue(msg);
  showStatus('', '');
}

// ---------------------------------------------------------------- misc

function showStatus(text, kind) {
  const s = $('status');
  s.textContent = text;
  s.className = `status ${kind}`;
}

async function copyText(text, message) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const t = el('textarea', { value: text });
    document.body.append(t);
    t.select();
    document.execCommand('copy');
    t.remove();
  }
  showStatus(message, 'info');
}

function changed() {
  scheduleHash();
  evaluate();
}

// A Grafana preset: its grafana.ini read by the Grafana module into the form.
async function loadGrafanaPreset(p) {
  const msg = await ask({ type: 'read-ini', text: p.configText });
  const r = msg.result;
  if (!r || !r.ok) {
    showStatus(`Preset ${p.name}: ${r ? r.error.message : msg.message}`, 'error');
    return;
  }
  state = {
    ...blankState(),
    preset: p.name,
    target: 'grafana',
    dialect: 'grafana',
    focus: 'g-role_attribute_path',
    grafana: grafanaFromIni(r.sections, p.configPath.split('/').pop()),
    samples: p.samples.map((s) => ({ label: s.label, text: s.text })),
  };
  renderAll();
  changed();
}

function loadPreset(name) {
  const p = examples.find((e) => e.name === name);
  if (!p || !p.ok) {
    showStatus(p ? `Preset ${name}: ${p.error?.message}` : `No preset ${name}`, 'error');
    return;
  }
  if (p.target === 'grafana') {
    loadGrafanaPreset(p);
    return;
  }
  const config = structuredClone(p.config);
  config.pangolin = config.pangolin || { edition: 'oss' };
  state = {
    ...blankState(),
    preset: name,
    dialect: state.target === 'pangolin' ? state.dialect : 'pangolin',
    config,
    usersText: JSON.stringify(config.users || [], null, 2),
    samples: p.samples.map((s) => ({ label: s.label, text: s.text })),
  };
  renderAll();
  changed();
}

function bind() {
  const idp = () => state.config.idp;
  const on = (id, ev, f) => $(id).addEventListener(ev, f);
  on('idp-name', 'input', (e) => { idp().name = e.target.value; changed(); });
  on('provider', 'change', (e) => { idp().provider = e.target.value; changed(); });
  on('edition', 'change', (e) => { state.config.pangolin.edition = e.target.value; changed(); });
  on('version', 'input', (e) => { state.config.pangolin.version = e.target.value.trim(); changed(); });
  on('auto-provision', 'change', (e) => { idp().auto_provision = e.target.checked; changed(); });
  on('scopes', 'input', (e) => { idp().scopes = e.target.value; changed(); });
  on('users', 'input', (e) => { state.usersText = e.target.value; changed(); });
  on('all-claims', 'change', (e) => { state.allClaims = e.target.checked; changed(); });
  on('focus', 'change', (e) => { state.focus = e.target.value; changed(); });
  on('focus-sample', 'change', (e) => { state.focusSample = Number(e.target.value); changed(); });
  on('preset', 'change', (e) => { if (e.target.value) loadPreset(e.target.value); });
  for (const r of document.querySelectorAll('input[name="dialect"]')) {
    r.addEventListener('change', () => { if (r.checked) { state.dialect = r.value; changed(); } });
  }
  for (const r of document.querySelectorAll('input[name="target"]')) {
    r.addEventListener('change', () => {
      if (!r.checked || r.value === state.target) return;
      state.target = r.value;
      state.dialect = r.value;
      state.preset = '';
      state.focus = defaultFocus();
      state.focusSample = 0;
      renderAll();
      changed();
    });
  }
  on('add-org', 'click', () => {
    state.config.orgs.push({ id: `org-${state.config.orgs.length + 1}`, roles: ['Member'], role_mapping: null, org_mapping: null, role_mapping_builder: null, linked: true });
    renderOrgs();
    refreshFocusOptions();
    changed();
  });
  on('add-sample', 'click', () => {
    state.samples.push({ label: `user${state.samples.length + 1}.json`, text: '{\n  "sub": "2",\n  "preferred_username": "bob"\n}' });
    renderSamples();
    refreshSampleOptions();
    changed();
  });
  on('share', 'click', async () => {
    const link = `${location.origin}${location.pathname}#s=${await encodeState(state)}`;
    history.replaceState(null, '', link);
    $('share').dataset.link = link;
    copyText(link, 'Share link copied: the whole state is in the link (after #), nothing is stored anywhere.');
  });
}

async function main() {
  $('provider').replaceChildren(...PROVIDERS.map(([v, t]) => el('option', { value: v, text: t })));
  bind();
  startWorker();
  const hello = await ask({ type: 'hello' });
  examples = hello.examples || [];
  $('version-info').textContent = `rolemap ${hello.version}`;
  $('preset').replaceChildren(el('option', { value: '', text: '(custom)' }),
    ...examples.map((e) => el('option', { value: e.name, text: e.target === 'grafana' ? `Grafana: ${e.name}` : `${e.title} (${e.name})` })));
  const m = location.hash.match(/^#s=([A-Za-z0-9_-]+)$/);
  if (m) {
    try {
      const restored = await decodeState(m[1]);
      state = { ...blankState(), ...restored };
      if (!['pangolin', 'grafana'].includes(state.target)) state.target = 'pangolin';
    } catch (e) {
      showStatus(`The link's state could not be read (${e.message}); starting fresh.`, 'error');
    }
    renderAll();
    evaluate();
  } else if (examples.some((e) => e.name === 'pocket-id')) {
    loadPreset('pocket-id');
  } else {
    renderAll();
    changed();
  }
  document.body.dataset.ready = 'true';
}

main();
