// What people do with the pages, in headless Chromium against two real nodes: register,
// follow across nodes, post, reply and log out (with JavaScript on and off); the keyboard
// path through the login page; axe-core on every page type; French; 320 px wide; page weight;
// screenshots of the main pages in English and French for docs/screenshots/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import {
  TEST_PASSWORD, axeScan, formatViolations, launchChromium, newContext, screenshot, startNodes, stopNodes,
  watchConsole,
} from './lib/index.mjs';

// The words the pages show, so that tests find fields by the labels people read.
const EN = JSON.parse(readFileSync(new URL('../../web/i18n/en.json', import.meta.url), 'utf8'));
const FR = JSON.parse(readFileSync(new URL('../../web/i18n/fr.json', import.meta.url), 'utf8'));

// How long a post or a reply may take to reach the other node.
const FEDERATION_TIMEOUT_MS = 20000;
// The budget of one page: its HTML and its CSS, uncompressed.
const PAGE_WEIGHT_LIMIT = 60 * 1024;

// Node A holds the seeded admin and the "ana" accounts; node B the "ben" ones.
let nodeA;
let nodeB;
let browser;

before(async () => {
  [nodeA, nodeB] = await startNodes(2);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopNodes([nodeA, nodeB].filter(Boolean));
});

// ---------------------------------------------------------------------------------------------
// Helpers

// Clicks `locator` (a submit button or a link) and returns the response of the page the click
// leads to, after redirects.
async function follow(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response;
}

// Loads `url` until `check()` holds, for at most `timeout` ms.
async function reloadUntil(page, url, check, what, timeout = FEDERATION_TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.goto(url);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not seen on ${url} within ${timeout} ms`);
    await sleep(300);
  }
}

// The path and query of the page, with the node's address left out.
function pathOf(page) {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

// Registers `name` through the form of /register with the labels of `t`; lands on /home.
async function register(page, node, name, t = EN) {
  await page.goto(node.url('/register'));
  await page.getByLabel(t.account_name, { exact: true }).fill(name);
  await page.getByLabel(t.kind_person, { exact: true }).check();
  await page.getByLabel(t.email_optional, { exact: true }).fill(`${name}@example.org`);
  await page.getByLabel(t.password, { exact: true }).fill(TEST_PASSWORD);
  await page.getByLabel(t.password_again, { exact: true }).fill(TEST_PASSWORD);
  await page.getByLabel(t.accept_rules).check();
  const response = await follow(page, page.getByRole('button', { name: t.register, exact: true }));
  assert.equal(response.status(), 200, `registering ${name}: ${await page.locator('main').innerText()}`);
  assert.equal(pathOf(page), '/home', `registering ${name} lands on /home`);
}

// Logs `name` in through /login; lands on /home.
async function logIn(page, node, name) {
  await page.goto(node.url('/login'));
  await page.getByLabel(EN.account_name, { exact: true }).fill(name);
  await page.getByLabel(EN.password, { exact: true }).fill(TEST_PASSWORD);
  await follow(page, page.getByRole('button', { name: EN.login, exact: true }));
  assert.equal(pathOf(page), '/home', `${name} logged in`);
}

// Publishes `text` with the composer of the page at `path` (default /home) and returns the page
// it goes back to.
async function publish(page, node, text, { summary = '', path = '/home', t = EN } = {}) {
  if (pathOf(page) !== path) await page.goto(node.url(path));
  await page.getByLabel(t.whats_new, { exact: true }).fill(text);
  if (summary) await page.getByLabel(t.content_warning, { exact: true }).fill(summary);
  await page.getByLabel(t.visibility, { exact: true }).selectOption('public');
  const response = await follow(page, page.getByRole('button', { name: t.publish, exact: true }));
  assert.equal(response.status(), 200, `publishing: ${await page.locator('main').innerText()}`);
}

// The note card showing `text`, and the link of its date, which leads to its thread.
function note(page, text) {
  return page.locator('article.note', { hasText: text });
}
function threadLink(page, text) {
  return note(page, text).locator('p.meta a:has(time)');
}

// The number a profile page shows under `label` (Posts, Followers, Following).
async function profileCount(page, label) {
  return (await page.locator(`dl.counts dt:text-is("${label}") + dd`).innerText()).trim();
}

// An admin account on node A with a home timeline of 20 posts (and more: older ones, a reply,
// one with a content warning, one with a long link), made once through the composer and shared
// by the tests that need a lived-in node. Returns the storage state of its session.
const SEED_ADMIN = 'camille';
const REMOTE_PERSON = 'dora';
const SEED_TOPIC = 'Budget participatif';
let seeded;
function seedAdmin() {
  seeded ??= (async () => {
    const started = Date.now();
    nodeA.createUser(SEED_ADMIN, { admin: true });
    nodeB.createUser(REMOTE_PERSON);
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await logIn(page, nodeA, SEED_ADMIN);
      await publish(page, nodeA, `${SEED_TOPIC}: the first meeting is on Thursday at the town hall. ` +
                                 'Bring your ideas for the park, the library and the bike lanes.');
      const firstThread = await threadLink(page, SEED_TOPIC).getAttribute('href');
      for (let i = 2; i <= 19; i += 1) {
        await publish(page, nodeA, `Note ${i} of the consultation diary. **Bold** point, a *quiet* one, ` +
                                   `and #civic tag. The ${i}th session gathered neighbours from the ` +
                                   'three districts to read the draft and comment on each article.',
                      { summary: i === 7 ? 'Long minutes, spoilers of the vote' : '' });
      }
      await publish(page, nodeA, 'Minutes with a long link: https://example.org/consultations/2026/' +
                                 'participatory-budget/minutes-of-the-second-public-meeting-held-in-the-' +
                                 'town-hall-annex.pdf and a long word: Rechtsschutzversicherungsgesellschaften');
      await page.goto(nodeA.url(firstThread));
      await page.getByLabel(EN.your_reply, { exact: true }).fill('Update: the meeting moves to the library.');
      await follow(page, page.getByRole('button', { name: EN.publish, exact: true }));
      assert.match(await page.locator('section', { hasText: EN.replies }).innerText(), /moves to the library/);
      process.stdout.write(`seeded ${SEED_ADMIN}'s posts in ${Date.now() - started} ms\n`);
      return { state: await context.storageState(), thread: firstThread };
    } finally {
      await context.close();
    }
  })();
  return seeded;
}

// ---------------------------------------------------------------------------------------------
// 1. Register, follow across nodes, post, reply, log out.

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? 'on' : 'off';
  test(`two people on two nodes register, follow, post, reply and log out (JavaScript ${mode})`,
       { timeout: 60000 }, async () => {
    const ana = javaScriptEnabled ? 'ana_js' : 'ana_nojs';
    const ben = javaScriptEnabled ? 'ben_js' : 'ben_nojs';
    const contextA = await newContext(browser, { javaScriptEnabled });
    const contextB = await newContext(browser, { javaScriptEnabled });
    try {
      const pageA = await contextA.newPage();
      const pageB = await contextB.newPage();
      const errors = [pageA, pageB].map(watchConsole);

      await register(pageA, nodeA, ana);
      await register(pageB, nodeB, ben);
      assert.equal(await pageA.getByRole('heading', { level: 1 }).innerText(), EN.home);

      // ben follows ana by her handle; node A records the follower, node B the Accept.
      await pageB.getByLabel(EN.follow_someone, { exact: true }).fill(`@${ana}@${nodeA.host}`);
      const followed = await follow(pageB, pageB.getByRole('button', { name: EN.follow, exact: true }));
      assert.equal(followed.status(), 200, `following: ${await pageB.locator('main').innerText()}`);
      assert.equal(pathOf(pageB), '/home?followed=1');
      await reloadUntil(pageA, nodeA.url(`/@${ana}`), async () => (await profileCount(pageA, EN.followers)) === '1',
                        `${ana}'s follower count 1`);
      await reloadUntil(pageB, nodeB.url(`/@${ben}`), async () => (await profileCount(pageB, EN.following)) === '1',
                        `${ben}'s following count 1 (Accept received)`);
      await pageA.goto(nodeA.url('/notifications'));
      assert.match(await pageA.locator('ul.notifications').innerText(),
                   new RegExp(`${EN.notification_Follow}: .*${ben}`), `${ana}'s notifications`);

      // ana posts; the post reaches ben's home timeline.
      const post = `Hello from ${ana}: who comes to the council meeting on Monday?`;
      await publish(pageA, nodeA, post);
      assert.equal(await note(pageA, post).count(), 1, 'ana sees her post on her home timeline');
      await reloadUntil(pageB, nodeB.url('/home'), async () => (await note(pageB, post).count()) === 1,
                        `${ana}'s post on ${ben}'s home timeline`);
      const anaHandle = await note(pageB, post).locator('.handle').innerText();

      // ben opens the post's thread by its date and replies.
      await follow(pageB, threadLink(pageB, post));
      assert.equal(new URL(pageB.url()).pathname, '/thread');
      assert.equal(await pageB.getByRole('heading', { level: 1 }).innerText(), EN.thread);
      assert.match(await pageB.locator('.focus').innerText(), new RegExp(post.replace(/[?]/g, '\\?')));
      const reply = `${ben} here: I will come, with two neighbours.`;
      await pageB.getByLabel(EN.your_reply, { exact: true }).fill(reply);
      const replied = await follow(pageB, pageB.getByRole('button', { name: EN.publish, exact: true }));
      assert.equal(replied.status(), 200, `replying: ${await pageB.locator('main').innerText()}`);
      assert.equal(new URL(pageB.url()).pathname, '/thread');
      assert.match(await pageB.getByRole('region', { name: EN.replies }).innerText(), new RegExp(reply));

      // ana sees ben's reply under her post, on her own node.
      await pageA.goto(nodeA.url('/home'));
      const threadA = nodeA.url(await threadLink(pageA, post).getAttribute('href'));
      await reloadUntil(pageA, threadA,
                        async () => (await pageA.getByRole('region', { name: EN.replies }).getByText(reply).count()) === 1,
                        `${ben}'s reply on ${ana}'s thread`);
      const benHandle = await note(pageA, reply).locator('.handle').innerText();

      // Both log out with the button of the menu; /home then asks them to log in.
      for (const [page, node] of [[pageA, nodeA], [pageB, nodeB]]) {
        const nav = page.getByRole('navigation', { name: EN.main_menu });
        await follow(page, nav.getByRole('button', { name: EN.logout, exact: true }));
        assert.equal(pathOf(page), '/');
        assert.equal(await nav.getByRole('link', { name: EN.login, exact: true }).count(), 1);
        await page.goto(node.url('/home'));
        assert.equal(pathOf(page), '/login', '/home after logging out');
      }
      assert.deepEqual(errors.flat(), [], 'console errors');

      // A remote author's handle is the one to follow them by: with the port of their node.
      // Checked last, so that a wrong handle does not hide how the rest of the flow went.
      assert.equal(anaHandle, `@${ana}@${nodeA.host}`, `${ana}'s handle on ${ben}'s timeline`);
      assert.equal(benHandle, `@${ben}@${nodeB.host}`, `${ben}'s handle on ${ana}'s thread`);
    } finally {
      await contextA.close();
      await contextB.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// 2. Keyboard.

test('the login page works with the keyboard alone', async () => {
  nodeA.createUser('kim');
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(nodeA.url('/login'));
    const skip = page.getByRole('link', { name: EN.skip_to_content });
    const hidden = await skip.boundingBox();
    assert.ok(hidden.x + hidden.width <= 0, `the skip link is off screen until focused (x=${hidden.x})`);

    // What Tab reaches, in order: the element, its name, and whether its focus is drawn.
    const focused = () => page.evaluate(() => {
      const element = document.activeElement;
      const style = getComputedStyle(element);
      const name = element.labels?.[0]?.textContent ?? element.textContent;
      return { what: `${element.tagName.toLowerCase()} ${name.trim()}`,
               outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    });
    const order = [];
    const stops = 1 + await page.getByRole('navigation', { name: EN.main_menu }).getByRole('link').count() + 3;
    for (let i = 0; i < stops; i += 1) {
      await page.keyboard.press('Tab');
      const { what, outline } = await focused();
      assert.ok(outline, `${what} shows no focus outline`);
      order.push(what);
      if (i === 0) {
        const shown = await skip.boundingBox();
        assert.ok(shown.x >= 0 && shown.y >= 0 && shown.width > 0, 'the focused skip link is on screen');
      }
    }
    // The menu's links in the order they are read (the brand, then the menu's list).
    const menu = await page.getByRole('navigation', { name: EN.main_menu }).getByRole('link').allInnerTexts();
    assert.ok(menu.includes(EN.login) && menu.includes(EN.register), `menu: ${menu}`);
    assert.deepEqual(order, [
      `a ${EN.skip_to_content}`, ...menu.map((name) => `a ${name.trim()}`),
      `input ${EN.account_name}`, `input ${EN.password}`, `button ${EN.login}`,
    ]);

    // The skip link leads past the menu: the next Tab is the first field.
    await page.goto(nodeA.url('/login'));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // A same-page navigation: the address changes once the browser has moved (slower on a
    // loaded machine), so wait for it rather than read it at once.
    await page.waitForURL((url) => url.hash === '#main', { timeout: 10000 });
    await page.keyboard.press('Tab');
    assert.equal((await focused()).what, `input ${EN.account_name}`, 'Tab after the skip link');

    // Typing and Enter log in.
    await page.keyboard.type('kim');
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(pathOf(page), '/home');
    assert.equal(await page.getByRole('button', { name: EN.logout }).count(), 1);
  } finally {
    await context.close();
  }
});

// ---------------------------------------------------------------------------------------------
// 3. Accessibility of every page type.

// Pages scanned, signed out and as the admin with posts. `open` loads a page that a plain
// address cannot: the refusal of a form whose anti-forgery cookie went away.
function pageTypes(thread) {
  const expiredForm = async (page, context) => {
    await page.goto(nodeA.url('/settings'));
    await context.clearCookies({ name: 'parvis_csrf' });
    const response = await follow(page, page.getByRole('button', { name: EN.save, exact: true }));
    assert.equal(response.status(), 403, 'a form without its anti-forgery cookie is refused');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), EN.error_title);
    return response;
  };
  const expiredLogin = async (page, context) => {
    await page.goto(nodeA.url('/login'));
    await context.clearCookies({ name: 'parvis_csrf' });
    await page.getByLabel(EN.account_name, { exact: true }).fill(SEED_ADMIN);
    await page.getByLabel(EN.password, { exact: true }).fill(TEST_PASSWORD);
    const response = await follow(page, page.getByRole('button', { name: EN.login, exact: true }));
    assert.equal(response.status(), 403, 'a login without its anti-forgery cookie is refused');
    return response;
  };
  return [
    { name: 'front', path: '/', out: true, in: true },
    { name: 'about', path: '/about', out: true, in: true },
    { name: 'register', path: '/register', out: true },
    { name: 'login', path: '/login', out: true },
    { name: 'home', path: '/home', in: true },
    { name: 'local', path: '/local', out: true, in: true },
    { name: 'federated', path: '/federated', out: true, in: true },
    { name: 'thread', path: thread, out: true, in: true },
    { name: 'notifications', path: '/notifications', in: true },
    { name: 'settings', path: '/settings', in: true },
    { name: 'profile', path: `/@${SEED_ADMIN}`, out: true, in: true },
    { name: 'admin', path: '/admin', in: true },
    { name: 'follow requests', path: '/follow-requests', in: true },
    { name: 'bookmarks', path: '/bookmarks', in: true },
    { name: 'blocks and mutes', path: '/settings/relations', in: true },
    { name: 'search', path: '/search?q=ca', out: true, in: true },
    { name: 'hashtag', path: '/tags/civic', out: true, in: true },
    { name: 'remote profile', path: `/remote?id=${encodeURIComponent(nodeB.url(`/users/${REMOTE_PERSON}`))}`, out: true, in: true },
    { name: 'message (403)', path: '/settings', in: true, open: expiredForm },
    { name: 'message (403)', path: '/login', out: true, open: expiredLogin },
  ];
}

test('every page type has no serious or critical accessibility violation (axe-core)',
     { timeout: 60000 }, async () => {
  const { state, thread } = await seedAdmin();
  const found = [];
  for (const signedIn of [false, true]) {
    const who = signedIn ? 'signed in' : 'signed out';
    const options = { bypassCSP: true, storageState: signedIn ? state : undefined };
    const shared = await newContext(browser, options);
    try {
      const page = await shared.newPage();
      for (const type of pageTypes(thread).filter((p) => (signedIn ? p.in : p.out))) {
        // The message page drops a cookie: it gets a context of its own.
        const context = type.open ? await newContext(browser, options) : shared;
        try {
          const tab = type.open ? await context.newPage() : page;
          const response = type.open ? await type.open(tab, context) : await tab.goto(nodeA.url(type.path));
          if (!type.open) assert.equal(response.status(), 200, `${type.path} ${who}`);
          for (const violation of await axeScan(tab)) {
            found.push({ ...violation, help: `${violation.help} [${type.name} ${type.path}, ${who}]` });
          }
        } finally {
          if (type.open) await context.close();
        }
      }
    } finally {
      await shared.close();
    }
  }
  assert.equal(found.length, 0, `axe violations:\n${formatViolations(found)}`);
});

// ---------------------------------------------------------------------------------------------
// 4. French.

test('pages speak French to a French browser, and ?lang=en switches to English', async () => {
  const context = await newContext(browser, { locale: 'fr-FR' });
  try {
    const page = await context.newPage();
    const lang = () => page.locator('html').getAttribute('lang');

    const response = await page.goto(nodeB.url('/register'));
    assert.equal(response.headers()['content-language'], 'fr');
    assert.equal(await lang(), 'fr');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), FR.register);
    assert.equal(await page.getByRole('link', { name: FR.skip_to_content }).count(), 1);

    await page.goto(nodeB.url('/register?lang=en'));
    assert.equal(await lang(), 'en');
    assert.equal(await page.getByLabel(EN.account_name, { exact: true }).count(), 1);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), EN.register);
    // The choice holds for the next pages, whatever the browser asks.
    await page.goto(nodeB.url('/register'));
    assert.equal(await lang(), 'en');
    await page.goto(nodeB.url('/register?lang=fr'));
    assert.equal(await lang(), 'fr');

    // Registering through the French form (its labels) lands on a French home timeline.
    await register(page, nodeB, 'lea', FR);
    assert.equal(await lang(), 'fr');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), FR.home);
    for (const label of [FR.whats_new, FR.content_warning, FR.visibility, FR.follow_someone]) {
      assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `label ${label}`);
    }
    assert.equal(await page.getByRole('button', { name: FR.publish, exact: true }).count(), 1);
    assert.equal(await page.getByRole('button', { name: FR.logout, exact: true }).count(), 1);
    assert.equal(await page.getByRole('navigation', { name: FR.main_menu }).count(), 1);

    // The footer's "English" link, and ?lang=en, show the same page in English.
    await follow(page, page.getByRole('link', { name: 'English' }));
    assert.equal(pathOf(page), '/home?lang=en');
    assert.equal(await lang(), 'en');
    assert.equal(await page.getByLabel(EN.whats_new, { exact: true }).count(), 1);
    assert.equal(await page.getByRole('button', { name: EN.logout, exact: true }).count(), 1);
    await page.goto(nodeB.url('/home?lang=fr'));
    assert.equal(await lang(), 'fr');
  } finally {
    await context.close();
  }
});

// ---------------------------------------------------------------------------------------------
// 5. 320 px wide.

test('pages fit 320 px without horizontal scrolling, with JavaScript on and off', async () => {
  const { state, thread } = await seedAdmin();
  const viewport = { width: 320, height: 640 };
  const pages = [['/register', false], ['/home', true], [thread, true]];
  for (const javaScriptEnabled of [true, false]) {
    const contexts = {
      out: await newContext(browser, { javaScriptEnabled, viewport }),
      in: await newContext(browser, { javaScriptEnabled, viewport, storageState: state }),
    };
    try {
      for (const [path, signedIn] of pages) {
        const page = await contexts[signedIn ? 'in' : 'out'].newPage();
        await page.goto(nodeA.url(path));
        assert.equal(pathOf(page), path);
        // The layout's size from Chromium itself, which needs no script in the page.
        const cdp = await page.context().newCDPSession(page);
        const { cssContentSize } = await cdp.send('Page.getLayoutMetrics');
        const where = `${path} with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`;
        assert.ok(cssContentSize.width <= viewport.width, `${where} is ${cssContentSize.width} px wide`);
        if (javaScriptEnabled) {
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(scrollWidth <= viewport.width, `${where}: scrollWidth ${scrollWidth}`);
        }
      }
    } finally {
      await contexts.out.close();
      await contexts.in.close();
    }
  }
});

// ---------------------------------------------------------------------------------------------
// 6. Page weight.

test(`a home timeline of 20 posts weighs under ${PAGE_WEIGHT_LIMIT} bytes (HTML + CSS); weights of every page type`,
     { timeout: 60000 }, async () => {
  const { state, thread } = await seedAdmin();
  const rows = [];
  for (const signedIn of [false, true]) {
    for (const type of pageTypes(thread).filter((p) => (signedIn ? p.in : p.out))) {
      // A fresh context each time, so that the stylesheet is not taken from the cache.
      const context = await newContext(browser, { storageState: signedIn ? state : undefined });
      try {
        const page = await context.newPage();
        let bodies = [];
        page.on('response', (response) => {
          if (response.status() >= 300 && response.status() < 400) return;
          // A form's refusal comes after the page of the form: count the last page only.
          if (response.request().resourceType() === 'document') bodies = [];
          bodies.push(response.body().then((body) => ({ type: response.request().resourceType(), bytes: body.length })));
        });
        if (type.open) await type.open(page, context);
        else await page.goto(nodeA.url(type.path), { waitUntil: 'load' });
        const loaded = await Promise.all(bodies);
        const bytes = (kind) => loaded.filter((b) => b.type === kind).reduce((sum, b) => sum + b.bytes, 0);
        const others = loaded.filter((b) => b.type !== 'document' && b.type !== 'stylesheet');
        assert.deepEqual(others, [], `${type.path} loads only HTML and CSS`);
        rows.push({ page: type.name, path: type.path.replace(/id=.*/, 'id=…'), who: signedIn ? 'signed in' : 'signed out',
                    notes: await page.locator('article.note').count(),
                    html: bytes('document'), css: bytes('stylesheet'), total: bytes('document') + bytes('stylesheet') });
      } finally {
        await context.close();
      }
    }
  }
  const width = { page: 15, path: 18, who: 11, notes: 6, html: 7, css: 6, total: 7 };
  const line = (row) => Object.entries(width).map(([key, w]) =>
    (typeof row[key] === 'number' ? String(row[key]).padStart(w) : String(row[key]).padEnd(w))).join(' | ');
  const header = Object.fromEntries(Object.keys(width).map((key) => [key, key]));
  process.stdout.write(`\nPage weight in bytes (bodies as decoded, HTML + CSS):\n${line(header)}\n` +
                       `${Object.values(width).map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}\n\n`);
  const home = rows.find((row) => row.page === 'home');
  assert.equal(home.notes, 20, 'the home timeline shows 20 posts');
  assert.ok(home.css > 0, 'the stylesheet was counted');
  assert.ok(home.total < PAGE_WEIGHT_LIMIT, `/home with 20 posts weighs ${home.total} bytes`);
});

// ---------------------------------------------------------------------------------------------
// 7. Screenshots.

describe('screenshots', () => {
  for (const [lang, t, locale] of [['en', EN, 'en-GB'], ['fr', FR, 'fr-FR']]) {
    test(`of the main pages in ${lang === 'en' ? 'English' : 'French'}`, { timeout: 60000 }, async () => {
      const { state, thread } = await seedAdmin();
      const shoot = async (page, path, name) => {
        const response = await page.goto(nodeA.url(path));
        assert.equal(response.status(), 200, path);
        assert.equal(await page.locator('html').getAttribute('lang'), lang, `${path} in ${lang}`);
        // Dates change from run to run: grey boxes keep the images the same.
        await screenshot(page, `${name}-${lang}`, { mask: [page.locator('time'), page.locator('code')] });
      };
      const out = await newContext(browser, { locale });
      const signedIn = await newContext(browser, { locale, storageState: state });
      try {
        const page = await out.newPage();
        await shoot(page, '/', 'front');
        await shoot(page, '/register', 'register');
        await shoot(page, '/login', 'login');
        const mine = await signedIn.newPage();
        await shoot(mine, '/home', 'home');
        assert.equal(await mine.getByRole('button', { name: t.publish, exact: true }).count(), 1);
        await shoot(mine, thread, 'thread');
        await shoot(mine, `/@${SEED_ADMIN}`, 'profile');
        await shoot(mine, '/settings', 'settings');
        await shoot(mine, '/admin', 'admin');
      } finally {
        await out.close();
        await signedIn.close();
      }
    });
  }
});

test('a person deletes their account from the settings page: signed out, actor gone, name kept from reuse', async () => {
  nodeA.createUser('leaving');
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await logIn(page, nodeA, 'leaving');
    await page.goto(nodeA.url('/settings'));
    // A wrong confirmation changes nothing.
    await page.locator('#delete_current').fill(TEST_PASSWORD);
    await page.locator('#delete_name').fill('someone else');
    let response = await follow(page, page.getByRole('button', { name: EN.delete_account_button, exact: true }));
    assert.equal(response.status(), 400);
    assert.match(await page.getByRole('alert').innerText(), new RegExp(EN.error_delete_name.slice(0, 20)));
    await page.locator('#delete_current').fill(TEST_PASSWORD);
    await page.locator('#delete_name').fill('leaving');
    response = await follow(page, page.getByRole('button', { name: EN.delete_account_button, exact: true }));
    assert.equal(response.status(), 200);
    await page.getByRole('heading', { name: EN.account_deleted_title }).waitFor();
    const actor = await page.request.get(nodeA.url('/users/leaving'), { headers: { Accept: 'application/activity+json' } });
    assert.equal(actor.status(), 410);
    await page.goto(nodeA.url('/settings'));
    assert.equal(pathOf(page), '/login', 'the session ended with the account');
  } finally {
    await context.close();
  }
});

test('a person blocks an account from its profile, finds it in the settings and unblocks it there', async () => {
  nodeA.createUser('blocker');
  nodeA.createUser('pest');
  const context = await newContext(browser, { bypassCSP: true });
  try {
    const page = await context.newPage();
    await logIn(page, nodeA, 'blocker');
    await page.goto(nodeA.url('/@pest'));
    let response = await follow(page, page.getByRole('button', { name: EN.block, exact: true }));
    assert.equal(response.status(), 200);
    assert.equal(pathOf(page), '/@pest', 'back on the profile');
    await page.getByRole('status').filter({ hasText: EN.relations_blocked_status }).waitFor();
    assert.equal(await page.getByRole('button', { name: EN.unblock, exact: true }).count(), 1);
    // The settings page links to the list, which names the account with an Unblock button.
    await page.goto(nodeA.url('/settings'));
    await follow(page, page.getByRole('link', { name: EN.relations_settings_link, exact: true }));
    assert.equal(pathOf(page), '/settings/relations');
    const blocked = page.locator('ul.relations li', { hasText: '@pest@' });
    assert.equal(await blocked.count(), 1, await page.locator('main').innerText());
    const violations = await axeScan(page);
    assert.equal(violations.length, 0, `axe violations:\n${formatViolations(violations)}`);
    // A domain, blocked from the form, is listed too.
    await page.getByLabel(EN.relations_block_domain, { exact: true }).fill('Spam.Example');
    await follow(page, page.getByRole('button', { name: EN.relations_block_domain_button, exact: true }));
    assert.equal(await page.locator('ul.relations li', { hasText: 'spam.example' }).count(), 1);
    response = await follow(page, blocked.getByRole('button', { name: EN.unblock, exact: true }));
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('ul.relations li', { hasText: '@pest@' }).count(), 0);
  } finally {
    await context.close();
  }
});
