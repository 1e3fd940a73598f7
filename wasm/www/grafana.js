// The Grafana target of the page: the settings of Grafana's generic OAuth
// login as a form, written out as the grafana.ini text the Grafana module
// reads (each value as it would be written in grafana.ini, so that the
// file's quoting and `;`/`#` comments apply as Grafana applies them), and
// each login's outcome drawn.

import { $, el } from './dom.js';

// The settings the form edits: `[auth.generic_oauth]` keys (expressions
// get an editor with diagnostics), then `[users]` keys.
const EXPRESSIONS = [
  ['role_attribute_path', 'role_attribute_path (role)', 3],
  ['groups_attribute_path', 'groups_attribute_path (groups)', 1],
  ['org_attribute_path', 'org_attribute_path (external orgs)', 1],
  ['org_mapping', 'org_mapping (group:org:role entries)', 1],
  ['login_attribute_path', 'login_attribute_path', 1],
  ['email_attribute_path', 'email_attribute_path', 1],
  ['name_attribute_path', 'name_attribute_path', 1],
];
const TEXTS = [
  ['allowed_groups', 'allowed_groups'],
  ['allowed_domains', 'allowed_domains'],
  ['email_attribute_name', 'email_attribute_name'],
  ['api_url', 'api_url (userinfo)'],
];
const FLAGS = [
  ['role_attribute_strict', 'role_attribute_strict'],
  ['allow_assign_grafana_admin', 'allow_assign_grafana_admin'],
  ['skip_org_role_sync', 'skip_org_role_sync'],
];
const USERS = [
  ['auto_assign_org_role', 'auto_assign_org_role'],
  ['auto_assign_org_id', 'auto_assign_org_id'],
];
const FORM_KEYS = new Set([...EXPRESSIONS, ...TEXTS, ...FLAGS].map(([k]) => k));

export function blankGrafana() {
  return {
    file: 'grafana.ini',
    settings: { role_attribute_path: "contains(groups[*], 'admin') && 'Admin' || 'Viewer'" },
    flags: {},
    users: {},
    other: 'enabled = true\nname = My IdP',
  };
}

/** The grafana.ini text of the form. */
export function grafanaIni(g) {
  const lines = ['[auth.generic_oauth]'];
  for (const line of g.other.split('\n')) if (line.trim() !== '') lines.push(line);
  for (const [key] of [...EXPRESSIONS, ...TEXTS]) {
    const v = g.settings[key] ?? '';
    if (v !== '') lines.push(`${key} = ${v}`);
  }
  for (const [key] of FLAGS) if (g.flags[key]) lines.push(`${key} = true`);
  const users = USERS.filter(([key]) => (g.users[key] ?? '') !== '');
  if (users.length) lines.push('', '[users]', ...users.map(([key]) => `${key} = ${g.users[key]}`));
  return `${lines.join('\n')}\n`;
}

/** The form of a grafana.ini read by the module (`readGrafanaIni`). */
export function grafanaFromIni(sections, file) {
  const g = { file, settings: {}, flags: {}, users: {}, other: '' };
  const other = [];
  for (const section of sections) {
    for (const e of section.entries) {
      if (section.name === 'auth.generic_oauth') {
        if (FLAGS.some(([k]) => k === e.key)) g.flags[e.key] = e.flag;
        else if (FORM_KEYS.has(e.key)) g.settings[e.key] = e.raw;
        else other.push(`${e.key} = ${e.raw}`);
      } else if (section.name === 'users' && USERS.some(([k]) => k === e.key)) {
        g.users[e.key] = e.raw;
      }
    }
  }
  g.other = other.join('\n');
  return g;
}

/** The expression fields of the form: {key, label, field, get, set}. */
export function grafanaExprFields(g) {
  return EXPRESSIONS.map(([key, label]) => ({
    key: `g-${key}`,
    label,
    field: key,
    get: () => g.settings[key] ?? '',
    set: (v) => { g.settings[key] = v; },
  }));
}

/** What Grafana's lint rules are told of the settings. */
export function grafanaLintSettings(g) {
  return {
    allowAssignGrafanaAdmin: Boolean(g.flags.allow_assign_grafana_admin),
    roleAttributeStrict: Boolean(g.flags.role_attribute_strict),
    skipOrgRoleSync: Boolean(g.flags.skip_org_role_sync),
    orgMapping: g.settings.org_mapping ?? '',
  };
}

/** Draws the form into #grafana-form; `makeEditor` draws an expression editor. */
export function renderGrafanaForm(g, makeEditor, changed) {
  const mount = $('grafana-exprs');
  mount.replaceChildren();
  for (const f of grafanaExprFields(g)) {
    const m = el('div');
    mount.append(m);
    const rows = EXPRESSIONS.find(([k]) => `g-${k}` === f.key)[2];
    makeEditor(m, f, { rows });
  }
  const texts = $('grafana-texts');
  texts.replaceChildren(...TEXTS.map(([key, label]) => {
    const input = el('input', { type: 'text', id: `g-${key}`, value: g.settings[key] ?? '', spellcheck: false, autocomplete: 'off' });
    input.addEventListener('input', () => { g.settings[key] = input.value; changed(); });
    return el('div', { class: 'field' }, el('label', { htmlFor: input.id, text: label }), input);
  }));
  const flags = $('grafana-flags');
  flags.replaceChildren(...FLAGS.map(([key, label]) => {
    const box = el('input', { type: 'checkbox', id: `g-${key}`, checked: Boolean(g.flags[key]) });
    box.addEventListener('change', () => { g.flags[key] = box.checked; changed(); });
    return el('label', { class: 'inline' }, box, ` ${label}`);
  }));
  const users = $('grafana-users');
  users.replaceChildren(...USERS.map(([key, label]) => {
    const input = el('input', { type: 'text', id: `g-${key}`, value: g.users[key] ?? '', spellcheck: false, autocomplete: 'off', placeholder: key === 'auto_assign_org_role' ? 'Viewer' : '1' });
    input.addEventListener('input', () => { g.users[key] = input.value; changed(); });
    return el('div', { class: 'field' }, el('label', { htmlFor: input.id, text: label }), input);
  }));
  const other = $('g-other');
  other.value = g.other;
  other.oninput = () => { g.other = other.value; changed(); };
}

/** One login's outcome as a card. */
export function renderGrafanaOutcome(o) {
  const card = el('article', { class: `outcome ${o.ok ? 'ok' : 'fail'}`, 'data-sample': o.sample });
  card.append(el('header', {},
    el('span', { class: 'badge status', text: o.ok ? 'ok' : 'login fails' }),
    el('strong', { class: 'label', text: o.sample }),
    o.login ? el('span', { class: 'identifier', text: `as ${o.login}` }) : null));
  if (o.message) card.append(el('p', { class: 'shown message', text: o.message }));
  if (o.ok) {
    card.append(el('p', {},
      'Role ', el('span', { class: 'role', text: o.role ?? '(not synced)' }),
      o.role_source ? el('span', { class: 'tag role-source', text: o.role_source === 'default' ? 'auto_assign_org_role' : `from ${o.role_source}` }) : null,
      o.server_admin === true ? el('span', { class: 'tag', text: 'Grafana server admin' }) : null));
  }
  const who = [o.email, o.name].filter(Boolean).join(', ');
  if (who) card.append(el('p', { class: 'note', text: who }));
  if (o.orgs.length) {
    card.append(el('ul', { class: 'memberships' }, o.orgs.map((m) => el('li', { 'data-org': m.org },
      el('span', { class: 'm-org', text: `org ${m.org}` }), ': ', el('span', { class: 'roles', text: m.role })))));
  }
  if (o.groups.length) card.append(el('p', { class: 'note groups', text: `Groups: ${o.groups.join(', ')}` }));
  if (o.hints.length) {
    card.append(el('ul', { class: 'hints' }, o.hints.map((h) => el('li', { 'data-hint': h.code },
      el('strong', { text: h.message }), el('div', { class: 'fix', text: h.fix })))));
  }
  if (o.trace.length) {
    const what = (t) => {
      if (!t.expression) return '';
      const on = t.input ?? 'claims';
      if (t.error) return `${t.expression} on ${on}: error: ${t.error}`;
      return `${t.expression} on ${on} = ${JSON.stringify(t.value ?? null)}`;
    };
    const rows = o.trace.map((t) => el('tr', {},
      el('td', { text: t.source }), el('td', { text: t.field }), el('td', {}, el('code', { text: what(t) }), t.expression ? ' ' : '', t.note)));
    card.append(el('details', { class: 'trace' }, el('summary', { text: 'How Grafana decided' }),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'Source' }), el('th', { text: 'Field' }), el('th', { text: 'What happened' }))),
        el('tbody', {}, rows))));
  }
  return card;
}
