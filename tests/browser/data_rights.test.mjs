// A person's rights over their data, from the settings page, in headless Chromium against a real
// node: download the archive of the account (a tar holding outbox.json with the note just
// posted; a wrong password gets the page again with an alert), then delete the account, after
// which its actor answers 410. axe-core on the settings page with its export error shown.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import {
  TEST_PASSWORD, axeScan, formatViolations, launchChromium, newContext, startNodes, stopNodes,
} from './lib/index.mjs';

const EN = JSON.parse(readFileSync(new URL('../../web/i18n/en.json', import.meta.url), 'utf8'));

let node;
let browser;

before(async () => {
  [node] = await startNodes(1);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopNodes([node].filter(Boolean));
});

// The regular files of a ustar archive: 512-byte headers (name at 0, octal size at 124,
// "ustar" at 257), each file's bytes padded to 512, two zero blocks at the end.
function readTar(bytes) {
  const files = new Map();
  const text = (from, length) => bytes.subarray(from, from + length).toString('latin1').replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= bytes.length;) {
    const name = text(at, 100);
    if (name === '') return files;
    assert.equal(text(at + 257, 5), 'ustar', `${name}: a ustar header`);
    const size = parseInt(text(at + 124, 12).trim(), 8);
    assert.ok(at + 512 + size <= bytes.length, `${name}: truncated`);
    files.set(name, bytes.subarray(at + 512, at + 512 + size).toString('utf8'));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  assert.fail('the archive has no end blocks');
}

async function follow(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response;
}

test('a person downloads their data, then deletes their account, from the settings page', { timeout: 60000 }, async () => {
  const name = 'frida';
  const text = 'My data travels with me: a note for the archive.';
  node.createUser(name);
  const context = await newContext(browser, { bypassCSP: true });
  try {
    const page = await context.newPage();
    await page.goto(node.url('/login'));
    await page.getByLabel(EN.account_name, { exact: true }).fill(name);
    await page.getByLabel(EN.password, { exact: true }).fill(TEST_PASSWORD);
    await follow(page, page.getByRole('button', { name: EN.login, exact: true }));
    await page.getByLabel(EN.whats_new, { exact: true }).fill(text);
    await page.getByLabel(EN.visibility, { exact: true }).selectOption('public');
    await follow(page, page.getByRole('button', { name: EN.publish, exact: true }));

    // A wrong password: the page again, with an alert, and no download.
    await page.goto(node.url('/settings'));
    await page.getByRole('heading', { name: EN.download_data }).waitFor();
    await page.locator('#export_current').fill('not my password');
    const refused = await follow(page, page.getByRole('button', { name: EN.export_button, exact: true }));
    assert.equal(refused.status(), 401);
    assert.equal(await page.getByRole('alert').innerText(), EN.error_current_password);
    const violations = await axeScan(page);
    assert.equal(violations.length, 0, `axe violations:\n${formatViolations(violations)}`);

    // The archive, as a download.
    await page.locator('#export_current').fill(TEST_PASSWORD);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: EN.export_button, exact: true }).click(),
    ]);
    assert.match(download.suggestedFilename(), new RegExp(`^parvis-${name}-\\d{8}\\.tar$`));
    const files = readTar(readFileSync(await download.path()));
    for (const file of ['README.txt', 'profile.json', 'keys.json', 'outbox.json', 'followers.csv']) {
      assert.ok(files.has(file), `${file} in the archive: ${[...files.keys()].join(', ')}`);
    }
    const outbox = JSON.parse(files.get('outbox.json'));
    assert.equal(outbox.totalItems, 1);
    assert.ok(files.get('outbox.json').includes(text), 'the note is in outbox.json');
    assert.equal(JSON.parse(files.get('keys.json')).privateKeys, 'left out at export');

    // Then the account goes.
    await page.goto(node.url('/settings'));
    await page.locator('#delete_current').fill(TEST_PASSWORD);
    await page.locator('#delete_name').fill(name);
    const deleted = await follow(page, page.getByRole('button', { name: EN.delete_account_button, exact: true }));
    assert.equal(deleted.status(), 200);
    await page.getByRole('heading', { name: EN.account_deleted_title }).waitFor();
    const actor = await page.request.get(node.url(`/users/${name}`), { headers: { Accept: 'application/activity+json' } });
    assert.equal(actor.status(), 410);
  } finally {
    await context.close();
  }
});
