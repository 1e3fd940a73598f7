// End-to-end test of the playground in headless Chromium (Debian's
// chromium driven by playwright-core): presets, live results, diagnostics
// at their place, a failing login as Pangolin's (its server log too), the share link, a
// pathological expression, the Grafana target (a preset, its fix, a lint
// finding, the Grafana dialects and a share link), both modules sent
// precompressed (brotli) within their budget, and no request leaving 127.0.0.1. The
// page is served by the server of `cargo xtask playground --serve`, which
// `cargo xtask playground --test` starts (PLAYGROUND_URL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { required } from './env.mjs';

const site = required('PLAYGROUND_DIR');
const executablePath = required('CHROMIUM');
const server = { url: required('PLAYGROUND_URL') };
/** Each module's budget in bytes on the wire, by file name (xtask's `MAX_SENT`). */
const budgets = JSON.parse(required('PLAYGROUND_BUDGETS'));

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let context;
let profile;
const requests = [];
const outside = [];
const pageErrors = [];
/** Every response of a module: its file name and headers. */
const wasmResponses = [];

before(async () => {
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rolemap-e2e-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 1100 },
  });
  // Every request of every page and worker: only the local server may answer.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    if (url.startsWith(server.url)) return route.continue();
    outside.push(url);
    return route.abort();
  });
  context.on('response', (r) => {
    if (r.url().endsWith('.wasm')) wasmResponses.push({ file: r.url().split('/').pop(), headers: r.headers() });
  });
  context.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(server.url) && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
  });
});

after(async () => {
  if (context) await context.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

/** Polls `fn` until it returns a truthy value (or throws after `ms`). */
async function until(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function openPage(url) {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return page;
}

const outcome = (page, sample) => page.locator(`.outcome[data-sample="${sample}"]`);
const roles = (page, sample, org) => outcome(page, sample).locator(`li[data-org="${org}"] .roles`).textContent({ timeout: 1000 });
const status = (page, sample) => outcome(page, sample).locator('.status').textContent({ timeout: 1000 });

async function typeInto(page, selector, text) {
  const field = page.locator(selector);
  await field.fill('');
  await field.pressSequentially(text);
}

test('the playground, end to end', async () => {
  const page = await openPage(`${server.url}index.html`);

  // The Pocket ID preset.
  await page.selectOption('#preset', 'pocket-id');
  await until(async () => (await page.inputValue('#idp-name')) === 'Pocket ID', 'the preset');
  assert.ok(await page.locator('.sample[data-sample="alice.json"]').count(), 'alice is a sample');

  // The documented role mapping, typed key by key.
  const good = "contains(groups, 'admin') && 'Admin' || 'Member'";
  await typeInto(page, '#field-role', good);
  await until(async () => (await roles(page, 'alice.json', 'home-lab')) === 'Admin', 'alice gets Admin');
  await until(async () => (await roles(page, 'bob.json', 'home-lab')) === 'Member', 'bob gets Member');
  assert.equal((await status(page, 'alice.json')).trim(), '201');
  assert.equal(await page.inputValue('#field-role'), good);
  // The value panel shows the role mapping's value for the first sample.
  await until(async () => (await page.locator('#value-json').textContent({ timeout: 1000 })) === '"Admin"', 'the value "Admin"');
  await until(async () => page.locator('#explain .tree').count(), 'the explain tree');

  // A double-quoted "string" is a field lookup: the diagnostic underlines it.
  const bad = 'contains(groups, "admin")';
  await typeInto(page, '#field-role', bad);
  const mark = page.locator('[data-key="role"] mark.diag[data-code="RM010"]');
  await until(async () => (await mark.count()) === 1, 'the double-quote diagnostic');
  assert.equal(await mark.textContent(), '"admin"');
  assert.equal(await mark.getAttribute('data-start'), String(bad.indexOf('"')));
  assert.equal(await mark.getAttribute('data-end'), String(bad.indexOf('"') + '"admin"'.length));
  const item = page.locator('[data-key="role"] .diagnostics .diag-item[data-code="RM010"]');
  assert.match(await item.textContent(), /double quotes/);
  assert.match(await item.locator('.help').textContent(), /contains\(groups, 'admin'\)/);
  await page.screenshot({ path: path.join(site, 'screenshot.png'), fullPage: false });

  // Without the `groups` scope the ID token has no groups: Pangolin's 500.
  await page.fill('#scopes', 'openid profile email');
  await until(async () => (await status(page, 'alice.json')).trim() === '500', 'the 500');
  const shown = await outcome(page, 'alice.json').locator('.shown').textContent();
  assert.match(shown, /There was a problem connecting to Pocket ID/);
  assert.equal((await outcome(page, 'alice.json').locator('.message').textContent()).trim(), 'An error occurred');
  // Its server log names the failed expression, as Pangolin's does.
  const log = await outcome(page, 'alice.json').locator('.server-log pre').textContent();
  assert.match(log, /^\[error\] /m);

  // The share link restores the same state in a new page.
  await page.click('#share');
  const link = await until(async () => page.locator('#share').getAttribute('data-link'), 'the share link');
  assert.ok(link.startsWith(`${server.url}index.html#s=`), link);
  const again = await openPage(link);
  assert.equal(await again.inputValue('#field-role'), bad);
  assert.equal(await again.inputValue('#scopes'), 'openid profile email');
  assert.equal(await again.inputValue('#preset'), 'pocket-id');
  assert.equal(await again.inputValue('#idp-name'), 'Pocket ID');
  await until(async () => (await status(again, 'alice.json')).trim() === '500', 'the 500 after reload');
  await again.close();

  // An exponential expression: the engine's budget stops it, the page
  // stays responsive.
  await page.fill('#scopes', 'openid profile email groups');
  const bomb = '[@,@][]'.repeat(40);
  await page.fill('#field-role', bomb);
  const t0 = Date.now();
  assert.equal(await page.evaluate(() => 1 + 1), 2);
  assert.ok(Date.now() - t0 < 1000, 'the page answers while the worker evaluates');
  await until(async () => {
    const text = await page.locator('#value-error').textContent({ timeout: 1000 });
    return /budget/i.test(text);
  }, 'the budget-exceeded error', 20000);
  await until(async () => /budget/i.test(await outcome(page, 'alice.json').locator('.error-text').textContent({ timeout: 1000 })), 'the login error', 20000);
  // Still responsive: typing works and gives results again.
  await typeInto(page, '#field-role', good);
  await until(async () => (await roles(page, 'alice.json', 'home-lab')) === 'Admin', 'results after the budget error', 20000);
  await page.screenshot({ path: path.join(site, 'screenshot-full.png'), fullPage: true });

  // "Copy for Pangolin" puts exactly the field's text on the clipboard.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
  await page.click('[data-key="role"] button.copy');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), good);

  // A pasted JWT is decoded in the page (not verified) and simulated.
  const payload = { sub: 'x1', preferred_username: 'Dave', email: 'dave@example.com', groups: ['admin'] };
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  await page.fill('#sample0-text', `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}.c2ln`);
  await page.fill('#sample0-label', 'dave.jwt');
  await until(async () => (await roles(page, 'dave.jwt', 'home-lab')) === 'Admin', 'the JWT sample logs in');
  assert.match(await page.locator('#sample0-decoded summary').textContent(), /RS256/);

  // The spec dialect: the value panel follows it.
  await page.check('input[name="dialect"][value="spec"]');
  await until(async () => (await page.locator('#value-json').textContent({ timeout: 1000 })) === '"Admin"', 'the value in the spec dialect');
  await page.close();

  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

test('a worker that stops answering is terminated and restarted', async () => {
  // A worker patched (in this test only) to hang on a marker expression.
  await context.route('**/worker.js', async (route) => {
    const response = await route.fetch();
    const hang = "self.addEventListener('message', (e) => { if (e.data && e.data.type === 'run' && JSON.stringify(e.data).includes('__hang__')) { for (;;) {} } });\n";
    await route.fulfill({ response, body: hang + (await response.text()) });
  });
  const page = await openPage(`${server.url}index.html`);
  await page.selectOption('#preset', 'pocket-id');
  await until(async () => (await status(page, 'alice.json')).trim() === '201', 'first results');
  await page.fill('#field-role', "'__hang__'");
  const t0 = Date.now();
  assert.equal(await page.evaluate(() => document.title.length > 0), true);
  assert.ok(Date.now() - t0 < 1000, 'the page answers while the worker hangs');
  await until(async () => /took longer than/.test(await page.locator('#outcomes .timeout').textContent({ timeout: 1000 })), 'the timeout message', 15000);
  // The restarted worker answers again.
  await page.fill('#field-role', "contains(groups, 'admin') && 'Admin' || 'Member'");
  await until(async () => (await roles(page, 'alice.json', 'home-lab')) === 'Admin', 'results from the new worker', 15000);
  await page.close();
  await context.unroute('**/worker.js');
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

test('the Grafana target: a preset, its fix, a finding, the Grafana dialects and a share link', async () => {
  const page = await openPage(`${server.url}index.html`);
  await page.selectOption('#preset', 'grafana-authelia');
  await until(async () => page.isChecked('input[name="target"][value="grafana"]'), 'the Grafana target');
  assert.equal(await page.inputValue('#field-g-role_attribute_path'), "contains(groups[*], 'admins') && 'Admin' || 'Viewer'");
  assert.equal(await page.isVisible('#pangolin-form'), false, 'the Pangolin form is hidden');
  assert.equal(await page.isChecked('input[name="dialect"][value="grafana"]'), true);
  const role = (p, sample) => outcome(p, sample).locator('.role').textContent({ timeout: 1000 });
  const source = (p, sample) => outcome(p, sample).locator('.role-source').textContent({ timeout: 1000 });
  // grafana/grafana#106686: the fallback decides at the ID token, which has no groups.
  await until(async () => (await role(page, 'alice.json')) === 'Viewer', 'alice is Viewer');
  assert.equal(await source(page, 'alice.json'), 'from id_token');
  assert.equal(await outcome(page, 'alice.json').locator('li[data-hint="decided-at-first-source"]').count(), 1);
  await until(async () => (await page.locator('[data-key="g-role_attribute_path"] .diag-item[data-code="RM070"]').count()) === 1, 'the RM070 finding');

  // The fix: no constant fallback, so userinfo decides.
  const fix = "contains(groups[*], 'admins') && 'Admin'";
  await typeInto(page, '#field-g-role_attribute_path', fix);
  await until(async () => (await role(page, 'alice.json')) === 'Admin', 'alice is Admin');
  assert.equal(await source(page, 'alice.json'), 'from userinfo');
  await until(async () => (await source(page, 'bob.json')) === 'auto_assign_org_role', 'bob gets auto_assign_org_role');

  // A role Grafana does not have: a finding at its place.
  await typeInto(page, '#field-g-role_attribute_path', `${fix} || 'Denied'`);
  const invalid = page.locator('[data-key="g-role_attribute_path"] mark.diag[data-code="RM071"]');
  await until(async () => (await invalid.count()) > 0, 'the invalid-role finding');
  assert.match(await invalid.first().textContent(), /Denied/);
  await typeInto(page, '#field-g-role_attribute_path', fix);
  await until(async () => (await role(page, 'alice.json')) === 'Admin', 'alice is Admin again');
  await page.screenshot({ path: path.join(site, 'screenshot-grafana.png'), fullPage: true });

  // The value panel in Grafana's engines: `'a' + 'b'` is null in 11.3+,
  // a syntax error in 11.2.
  await typeInto(page, '#field-g-login_attribute_path', "'a' + 'b'");
  await page.selectOption('#focus', 'g-login_attribute_path');
  await until(async () => (await page.locator('#value-json').textContent({ timeout: 1000 })) === 'null', 'null in grafana');
  await page.check('input[name="dialect"][value="grafana-11.2"]');
  await until(async () => /syntax/.test(await page.locator('#value-error').textContent({ timeout: 1000 })), 'a syntax error in grafana-11.2');
  // Deep nesting: the Go grammar's recursion in the worker ends in the
  // budget error, not a crashed worker.
  await page.fill('#field-g-login_attribute_path', `${'['.repeat(3000)}a${']'.repeat(3000)}`);
  await until(async () => /nests deeper/.test(await page.locator('#value-error').textContent({ timeout: 1000 })), 'the nesting budget error in grafana-11.2');
  await typeInto(page, '#field-g-login_attribute_path', 'preferred_username');

  // The share link carries the target, the form and the dialect.
  await page.click('#share');
  const link = await until(async () => page.locator('#share').getAttribute('data-link'), 'the share link');
  const again = await openPage(link);
  assert.equal(await again.isChecked('input[name="target"][value="grafana"]'), true);
  assert.equal(await again.isChecked('input[name="dialect"][value="grafana-11.2"]'), true);
  assert.equal(await again.inputValue('#field-g-role_attribute_path'), fix);
  assert.equal(await again.inputValue('#preset'), 'grafana-authelia');
  await until(async () => (await role(again, 'alice.json')) === 'Admin', 'alice is Admin after reload');
  await again.close();

  // Back to Pangolin: its form and dialects.
  await page.check('input[name="target"][value="pangolin"]');
  await until(async () => page.isVisible('#pangolin-form'), 'the Pangolin form');
  assert.equal(await page.isChecked('input[name="dialect"][value="pangolin"]'), true);
  await page.close();
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

test('no request left 127.0.0.1 during the whole run', () => {
  assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the module was fetched from the local server');
  assert.deepEqual(outside, []);
});

test('both modules came precompressed with brotli, each within its budget on the wire (xtask MAX_SENT)', () => {
  const files = new Set(wasmResponses.map((r) => r.file));
  assert.deepEqual([...files].sort(), Object.keys(budgets).sort());
  for (const { file, headers } of wasmResponses) {
    assert.equal(headers['content-encoding'], 'br', file);
    const sent = Number(headers['content-length']);
    const budget = budgets[file];
    assert.ok(sent > 0 && sent <= budget, `${file} took ${sent} bytes on the wire (budget ${budget})`);
  }
});
