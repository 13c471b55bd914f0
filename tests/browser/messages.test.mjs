// The encrypted messages page (/messages, web/static/e2ee/messages-app.js) in headless
// Chromium against two real nodes: alice sets her browser up on node A, bob uses the command
// line client (`parvis msg`) on node B; messages go both ways, the safety numbers match, the
// private keys stay in IndexedDB and no request carries a private key or a text; a backup
// restores the key into a second browser, which the first then revokes. Also: the page
// without JavaScript or without libsodium says that messages are unavailable, and axe finds
// no violation in its set-up and conversation states.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import {
  PARVIS_BINARY, TEST_PASSWORD, axeScan, formatViolations, launchChromium, newContext, screenshot, startNodes,
  stopNodes, watchConsole,
} from './lib/index.mjs';

const EN = JSON.parse(readFileSync(new URL('../../web/i18n/en.json', import.meta.url), 'utf8'));
const FR = JSON.parse(readFileSync(new URL('../../web/i18n/fr.json', import.meta.url), 'utf8'));

// How long a message may take to reach the other node and be fetched.
const DELIVERY_TIMEOUT_MS = 20000;
const PASSPHRASE = 'correct horse battery staple';

let nodeA;
let nodeB;
let browser;
let cliDir;

before(async () => {
  [nodeA, nodeB] = await startNodes(2);
  nodeA.createUser('alice');
  nodeA.createUser('carol');
  nodeB.createUser('bob');
  browser = await launchChromium();
  cliDir = mkdtempSync(join(tmpdir(), 'parvis-msg-cli-'));
});

after(async () => {
  await browser?.close();
  await stopNodes([nodeA, nodeB].filter(Boolean));
  if (cliDir) rmSync(cliDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

async function logIn(page, node, name) {
  await page.goto(node.url('/login'));
  await page.getByLabel(EN.account_name, { exact: true }).fill(name);
  await page.getByLabel(EN.password, { exact: true }).fill(TEST_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: EN.login, exact: true }).click()]);
  assert.equal(new URL(page.url()).pathname, '/home', `${name} logged in`);
}

// `parvis msg ARGS...` (the command line client, on this machine); throws with its stderr.
function msg(args, input = '') {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PARVIS_')));
  const result = spawnSync(PARVIS_BINARY, ['msg', ...args], { env, input, encoding: 'utf8', timeout: 60000 });
  if (result.status !== 0) {
    throw new Error(`parvis msg ${args.join(' ')} exited ${result.status ?? result.signal}:\n${result.stderr}`);
  }
  return result.stdout;
}

// The JS strings of the page: "{actor}" and the like filled in.
function js(key, values = {}) {
  return EN[`msg_js_${key}`].replace(/\{(\w+)\}/g, (_, name) => values[name]);
}

// Waits until the page is either set up (and has fetched the messages waiting for it) or
// asking to be set up.
async function settled(page) {
  await page.locator('#msg-setup:not([hidden]), #msg-main:not([hidden])').waitFor({ timeout: 15000 });
  await page.locator('#messages-app:not([aria-busy])').waitFor({ timeout: 15000 });
}

async function openMessages(page, node) {
  await page.goto(node.url('/messages'));
  await settled(page);
}

async function setUpNewKeys(page) {
  await page.getByRole('button', { name: EN.msg_create_key, exact: true }).click();
  await page.locator('#msg-status', { hasText: js('status_ready') }).waitFor({ timeout: 15000 });
  await settled(page);
}

async function sendFromPage(page, to, text, actorId = to) {
  await page.getByLabel(EN.msg_to, { exact: true }).fill(to);
  await page.getByLabel(EN.msg_text, { exact: true }).fill(text);
  await page.getByRole('button', { name: EN.msg_send, exact: true }).click();
  await page.locator('#msg-status', { hasText: js('status_sent', { actor: actorId }) }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#msg-error').innerText(), '', 'no error after sending');
}

function conversation(page, peer) {
  return page.locator(`section.conversation[data-peer="${peer}"]`);
}

// The 60 digits in what `parvis msg verify` prints (the actor's address has digits too).
function safetyNumberOf(output) {
  return output.split('\n').filter((line) => /^\s+[0-9 ]+$/.test(line)).join('').replace(/\s/g, '');
}

// Runs `parvis msg read --json` until a message arrives; returns the messages.
async function cliReadUntil(state, predicate, what) {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  const seen = [];
  for (;;) {
    seen.push(...JSON.parse(msg(['read', '--state', state, '--json'])).messages);
    if (seen.some(predicate)) return seen;
    if (Date.now() > deadline) throw new Error(`${what}: not read within ${DELIVERY_TIMEOUT_MS} ms`);
    await sleep(300);
  }
}

// The secrets this browser keeps in IndexedDB (parvis-e2ee), base64url-encoded.
function readSecrets(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('parvis-e2ee');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = (name) => new Promise((resolve, reject) => {
      const request = db.transaction(name).objectStore(name).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const b64 = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const [accounts, devices, prekeys] = await Promise.all([all('accounts'), all('devices'), all('prekeys')]);
    db.close();
    return {
      accountSecret: accounts.map((a) => ({ length: a.secretKey.length, b64: b64(a.secretKey) })),
      deviceSecrets: devices.flatMap((d) => [b64(d.signing.secretKey), b64(d.identity.secretKey)]),
      prekeySecrets: prekeys.map((p) => b64(p.secretKey)),
    };
  });
}

// ---------------------------------------------------------------------------------------------

test('without JavaScript the page says that encrypted messages need it; signed out it asks to log in',
     { timeout: 30000 }, async () => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const signedOut = await page.goto(nodeA.url('/messages'));
    assert.equal(new URL(page.url()).pathname, '/login', 'signed out: sent to the login page');
    assert.equal(signedOut.status(), 200);
    await logIn(page, nodeA, 'carol');
    await page.getByRole('link', { name: EN.msg_nav, exact: true }).click();
    assert.equal(new URL(page.url()).pathname, '/messages');
    assert.equal(await page.locator('h1').innerText(), EN.msg_title);
    assert.equal(await page.locator('#msg-needs-js').innerText(), EN.msg_needs_js);
    assert.equal(await page.locator('#msg-compose').isVisible(), false, 'no compose form without JavaScript');
    await page.goto(nodeA.url('/messages?lang=fr'));
    assert.equal(await page.locator('h1').innerText(), FR.msg_title);
  } finally {
    await context.close();
  }
});

test('without libsodium the page says that encrypted messages are unavailable', { timeout: 30000 }, async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await logIn(page, nodeA, 'carol');
    await page.route('**/static/vendor-libsodium-*', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.goto(nodeA.url('/messages'));
    await page.locator('#msg-unavailable').waitFor({ state: 'visible', timeout: 15000 });
    assert.equal(await page.locator('#msg-unavailable').innerText(), EN.msg_unavailable);
    assert.equal(await page.locator('#msg-setup').isVisible(), false);
    assert.equal(await page.locator('#msg-main').isVisible(), false);
  } finally {
    await context.close();
  }
});

test('alice (browser, node A) and bob (parvis msg, node B) exchange encrypted messages', { timeout: 90000 },
     async () => {
  const alice = nodeA.url('/users/alice').replace(/\/$/, '');
  const bob = nodeB.url('/users/bob').replace(/\/$/, '');
  const bobState = join(cliDir, 'bob.json');
  const context = await newContext(browser);
  const second = await newContext(browser);
  try {
    const page = await context.newPage();
    const errors = watchConsole(page);
    page.on('dialog', (dialog) => dialog.accept());
    // Every request body the page sends to the node, to check what leaves the browser.
    const bodies = [];
    page.on('request', (request) => {
      if (request.url().startsWith(nodeA.baseUrl) && request.postData()) {
        bodies.push({ url: request.url(), body: request.postData() });
      }
    });
    await logIn(page, nodeA, 'alice');
    await openMessages(page, nodeA);
    const csp = (await page.request.get(nodeA.url('/messages'))).headers()['content-security-policy'];
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /'unsafe-eval'|'unsafe-inline'/);
    const homeCsp = (await page.request.get(nodeA.url('/home'))).headers()['content-security-policy'];
    assert.doesNotMatch(homeCsp, /wasm/, 'only /messages may compile WebAssembly');
    await setUpNewKeys(page);
    assert.equal(await page.locator('#msg-devices li').count(), 1, 'one device: this browser');

    // Claims spend alice's one-time prekeys (15 of 20); the page tops them up when it starts.
    const token = nodeB.admin(['token', 'bob']).split('\n')[0].trim();
    const aliceDirectory = async () => (await (await fetch(nodeA.url('/users/alice/e2ee'))).json()).deviceList.devices;
    const [aliceDevice] = await aliceDirectory();
    assert.equal(aliceDevice.oneTimePrekeys, 20);
    for (let i = 0; i < 15; i += 1) {
      const claim = await fetch(nodeB.url('/api/e2ee/claim'), {
        method: 'POST', body: JSON.stringify({ actor: alice, devices: [aliceDevice.id] }),
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      });
      assert.equal(claim.status, 200, await claim.text());
    }
    assert.equal((await aliceDirectory())[0].oneTimePrekeys, 5);
    await openMessages(page, nodeA);
    for (const deadline = Date.now() + 10000; (await aliceDirectory())[0].oneTimePrekeys < 10;) {
      assert.ok(Date.now() < deadline, 'the page uploads new one-time prekeys');
      await sleep(200);
    }

    // bob sets his device up with the command line client.
    msg(['keys', '--init', '--state', bobState, '--node', nodeB.baseUrl, '--account', 'bob', '--token', token,
         '--allow-private-addresses']);

    // alice -> bob, by bob's @handle.
    const hello = 'Hello Bob, the board meets on Thursday: bring the draft budget.';
    await page.getByLabel(EN.msg_to, { exact: true }).fill(`@bob@${nodeB.host}`);
    await page.getByLabel(EN.msg_text, { exact: true }).fill(hello);
    await page.getByRole('button', { name: EN.msg_send, exact: true }).click();
    await page.locator('#msg-status', { hasText: js('status_sent', { actor: bob }) }).waitFor({ timeout: 15000 });
    assert.equal(await page.locator('#msg-error').innerText(), '');
    assert.match(await conversation(page, bob).innerText(), /bring the draft budget/, 'alice sees what she sent');
    const readByBob = await cliReadUntil(bobState, (m) => m.content === hello, "alice's message at bob");
    assert.equal(readByBob.find((m) => m.content === hello).from, alice);

    // bob -> alice; the page polls every 3 s.
    const answer = 'Thanks Alice <b>not bold</b> & see you Thursday.';
    msg(['send', '--state', bobState, '--to', alice], answer);
    await conversation(page, bob).locator('li.incoming', { hasText: 'see you Thursday' })
      .waitFor({ timeout: DELIVERY_TIMEOUT_MS });
    const shown = conversation(page, bob).locator('li.incoming .content').last();
    assert.equal(await shown.innerText(), answer, 'the text is shown as text, not HTML');
    assert.equal(await conversation(page, bob).locator('li.incoming b').count(), 0);
    assert.equal(await conversation(page, bob).locator('li.incoming .sender').last().innerText(), bob);

    // The safety numbers agree; alice marks bob's key as verified.
    const cliNumber = safetyNumberOf(msg(['verify', '--state', bobState, alice]));
    const pageNumber = (await conversation(page, bob).locator('code.safety-number').innerText()).replace(/\s/g, '');
    assert.equal(pageNumber.length, 60);
    assert.equal(pageNumber, cliNumber, 'the browser and parvis msg verify show the same safety number');
    assert.equal(await conversation(page, bob).locator('.not-verified').innerText(), js('not_verified'));
    await conversation(page, bob).getByRole('button', { name: js('mark_verified'), exact: true }).click();
    await conversation(page, bob).locator('.verified', { hasText: js('verified') }).waitFor();
    // Dates, safety numbers and device ids change from run to run.
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'messages', { mask: [page.locator('time'), page.locator('code')] });

    // The private keys are in IndexedDB, and no request carried one, nor a text.
    const secrets = await readSecrets(page);
    assert.equal(secrets.accountSecret.length, 1);
    assert.equal(secrets.accountSecret[0].length, 64, 'the account key (Ed25519, 64 bytes) is in IndexedDB');
    assert.equal(secrets.deviceSecrets.length, 2);
    assert.ok(secrets.prekeySecrets.length >= 10, 'prekey secrets are in IndexedDB');
    const forbidden = [secrets.accountSecret[0].b64, secrets.accountSecret[0].b64.slice(0, 43),
                       ...secrets.deviceSecrets, ...secrets.prekeySecrets];
    assert.ok(bodies.some((b) => b.url.endsWith('/api/e2ee/messages')), 'the send request was recorded');
    for (const { url, body } of bodies) {
      for (const secret of forbidden) assert.ok(!body.includes(secret), `${url} carries a private key`);
      for (const text of [hello, answer, 'draft budget', 'Thursday']) {
        assert.ok(!body.includes(text), `${url} carries the text of a message`);
      }
    }

    // A backup, restored into a second browser of alice's; the first revokes it.
    await page.getByLabel(EN.msg_passphrase_new, { exact: true }).fill(PASSPHRASE);
    await page.getByLabel(EN.msg_passphrase_again, { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: EN.msg_backup, exact: true }).click();
    await page.locator('#msg-status', { hasText: js('status_backed_up') }).waitFor({ timeout: 20000 });
    const backupBody = bodies.find((b) => b.url.endsWith('/api/e2ee/backup'));
    assert.ok(backupBody, 'the backup was sent');
    assert.ok(!backupBody.body.includes(PASSPHRASE), 'the backup does not carry the passphrase');

    const other = await second.newPage();
    const otherErrors = watchConsole(other);
    await logIn(other, nodeA, 'alice');
    await openMessages(other, nodeA);
    assert.equal(await other.locator('#msg-restore-form').isVisible(), true, 'a second browser offers to restore');
    await other.getByLabel(EN.msg_passphrase, { exact: true }).fill('not the passphrase at all');
    await other.getByRole('button', { name: EN.msg_restore, exact: true }).click();
    await other.locator('#msg-error', { hasText: js('err_bad_passphrase') }).waitFor({ timeout: 20000 });
    await other.getByLabel(EN.msg_passphrase, { exact: true }).fill(PASSPHRASE);
    await other.getByRole('button', { name: EN.msg_restore, exact: true }).click();
    await other.locator('#msg-status', { hasText: js('status_ready') }).waitFor({ timeout: 20000 });
    await settled(other);
    assert.equal(await other.locator('#msg-devices li').count(), 2);

    // bob writes again: both of alice's browsers read it.
    const again = 'Second message, for both of your browsers.';
    msg(['send', '--state', bobState, '--to', alice], again);
    for (const p of [page, other]) {
      await conversation(p, bob).locator('li.incoming', { hasText: again }).waitFor({ timeout: DELIVERY_TIMEOUT_MS });
    }
    // What the second browser sends, the first shows too (copies to one's own devices).
    await sendFromPage(other, bob, 'Sent from my second browser.');
    await conversation(page, bob).locator('li.outgoing', { hasText: 'Sent from my second browser.' })
      .waitFor({ timeout: DELIVERY_TIMEOUT_MS });
    await cliReadUntil(bobState, (m) => m.content === 'Sent from my second browser.', 'the second browser at bob');

    // The first browser revokes the second, which notices.
    await page.reload();
    await settled(page);
    await page.locator('#msg-devices li').nth(1).waitFor();
    const revoke = page.locator('#msg-devices button');
    assert.equal(await revoke.count(), 1, 'one other device to revoke');
    await revoke.click();
    await page.locator('#msg-status', { hasText: /was removed/ }).waitFor({ timeout: 15000 });
    assert.equal(await page.locator('#msg-devices li').count(), 1);
    await other.locator('#msg-error', { hasText: js('err_revoked') }).waitFor({ timeout: 15000 });

    // bob replaces his key (a new device, without the backup): alice is warned, and his
    // message waits on the node until she accepts the new key.
    const bobNewState = join(cliDir, 'bob-new.json');
    msg(['keys', '--init', '--state', bobNewState, '--node', nodeB.baseUrl, '--account', 'bob', '--token', token,
         '--reset', '--allow-private-addresses']);
    const afterReset = 'My new key: compare the numbers again, please.';
    msg(['send', '--state', bobNewState, '--to', alice], afterReset);
    const warning = conversation(page, bob).locator('.key-changed');
    await warning.locator('p', { hasText: js('held', { count: 1 }) }).waitFor({ timeout: DELIVERY_TIMEOUT_MS });
    assert.ok((await warning.innerText()).includes(js('key_changed', { actor: bob })), 'the warning explains');
    assert.equal(await warning.getAttribute('role'), 'alert');
    assert.equal(await conversation(page, bob).locator('li', { hasText: afterReset }).count(), 0, 'held');
    const newNumber = (await warning.locator('code.new-safety-number').innerText()).replace(/\s/g, '');
    assert.equal(newNumber, safetyNumberOf(msg(['verify', '--state', bobNewState, alice])),
                 'the new safety number is the one of bob\'s new device');
    assert.notEqual(newNumber, pageNumber);
    await warning.getByRole('button', { name: js('accept_key'), exact: true }).click();
    await conversation(page, bob).locator('li.incoming', { hasText: afterReset }).waitFor({ timeout: 10000 });
    assert.equal(await conversation(page, bob).locator('.key-changed').count(), 0);
    assert.equal(await conversation(page, bob).locator('.not-verified').innerText(), js('not_verified'));
    assert.equal((await conversation(page, bob).locator('code.safety-number').innerText()).replace(/\s/g, ''), newNumber);

    // Expected 404s, which Chromium reports as console errors: alice's key directory before her
    // first device, and the second browser's poll once it is revoked.
    const expected404 = /status of 404 .*\/api\/e2ee\/(directory\?actor=|messages\?device=)/;
    assert.deepEqual(errors.filter((e) => !expected404.test(e)), [], 'console errors on the first browser');
    assert.deepEqual(otherErrors.filter((e) => !expected404.test(e)), [], 'console errors on the second browser');
  } finally {
    await second.close();
    await context.close();
  }
});

test('has no serious or critical accessibility violation (axe-core), set up or not; fits 320 px', { timeout: 60000 },
     async () => {
  // Only this context bypasses the page's CSP, so that axe's source can be injected.
  const context = await newContext(browser, { bypassCSP: true });
  try {
    const page = await context.newPage();
    await logIn(page, nodeA, 'carol');
    await openMessages(page, nodeA);
    let violations = await axeScan(page);
    assert.equal(violations.length, 0, `axe violations (set-up):\n${formatViolations(violations)}`);
    await setUpNewKeys(page);
    // A conversation, with its safety number, to scan too (alice set her browser up in the
    // test above; carol writes to her, on the same node, by her handle).
    const alice = nodeA.url('/users/alice').replace(/\/$/, '');
    await sendFromPage(page, `@alice@${nodeA.host}`, 'Hello Alice, from Carol.', alice);
    await conversation(page, alice).waitFor();
    violations = await axeScan(page);
    assert.equal(violations.length, 0, `axe violations (conversations):\n${formatViolations(violations)}`);
    await page.setViewportSize({ width: 320, height: 640 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
              'no horizontal scrolling at 320 px');
  } finally {
    await context.close();
  }
});
