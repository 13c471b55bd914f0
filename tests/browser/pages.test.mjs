// The public pages (home, profile, about, streams, petitions, consultations), in headless Chromium with
// JavaScript on and off: landmarks, no console error, a strict Content-Security-Policy, no
// serious or critical accessibility violation; screenshots to docs/screenshots/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  axeScan, formatViolations, launchChromium, newContext, screenshot, startNodes, stopNodes, watchConsole,
} from './lib/index.mjs';

const PAGES = [
  { name: 'home', path: '/', heading: /Parvis/ },
  { name: 'profile', path: '/@alice', heading: /alice/ },
  { name: 'about', path: '/about', heading: /About/ },
  { name: 'commercial', path: '/commercial', heading: /Commercial/ },
  { name: 'timelines', path: '/timelines', heading: /How timelines are ordered/ },
  { name: 'petitions', path: '/petitions', heading: /Petitions/ },
  { name: 'petition', path: '/petitions/1', heading: /Open the library on Sundays/ },
  { name: 'consultations', path: '/consultations', heading: /Consultations/ },
  { name: 'consultation', path: '/consultations/1', heading: /What should the park become/ },
];

let nodes = [];
let browser;

before(async () => {
  nodes = await startNodes(1);
  nodes[0].createUser('alice');
  // An association with a petition (signed once) and a consultation (one
  // proposal, one vote), so that their pages show real content.
  nodes[0].createUser('assoc', { kind: 'organization' });
  const deadline = new Date(Date.now() + 30 * 86400 * 1000).toISOString().slice(0, 10);
  nodes[0].admin(['petition', 'create', 'assoc', '--title', 'Open the library on Sundays', '--addressee',
    'Mairie', '--threshold', '10', '--deadline', deadline, '--open'], 'We ask the **city** to open it.\n');
  nodes[0].admin(['petition', 'sign', 'alice', nodes[0].url('/petitions/1')]);
  nodes[0].admin(['consultation', 'create', 'assoc', '--title', 'What should the park become?', '--deadline',
    deadline], 'Tell us.\n');
  nodes[0].admin(['consultation', 'propose', 'alice', nodes[0].url('/consultations/1')], 'A garden\n');
  nodes[0].admin(['consultation', 'vote', 'assoc', nodes[0].url('/consultations/1/proposals/0'), 'for']);
  nodes[0].admin(['consultation', 'comment', 'assoc', nodes[0].url('/consultations/1/proposals/0')], 'Yes!\n');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stopNodes(nodes);
});

// Opens `path` in a fresh context and waits until the network is idle (so that late console
// errors are in); returns the page, its response and the console errors.
async function open(path, contextOptions) {
  const context = await newContext(browser, contextOptions);
  const page = await context.newPage();
  const errors = watchConsole(page);
  const response = await page.goto(nodes[0].url(path), { waitUntil: 'networkidle' });
  return { context, page, response, errors };
}

for (const { name, path, heading } of PAGES) {
  describe(`${name} page (${path})`, { timeout: 60000 }, () => {
    for (const javaScriptEnabled of [true, false]) {
      test(`renders with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
        const { context, page, response, errors } = await open(path, { javaScriptEnabled });
        try {
          assert.equal(response.status(), 200);
          assert.match(response.headers()['content-type'] ?? '', /^text\/html/);
          const csp = response.headers()['content-security-policy'];
          assert.ok(csp, 'no Content-Security-Policy header');
          assert.doesNotMatch(csp, /'unsafe-inline'/);
          assert.equal(await page.getByRole('main').count(), 1, 'one main landmark');
          const h1 = page.locator('h1');
          assert.equal(await h1.count(), 1, 'one h1');
          assert.match(await h1.innerText(), heading);
          if (javaScriptEnabled) await screenshot(page, name);
          assert.deepEqual(errors, [], 'console errors');
        } finally {
          await context.close();
        }
      });
    }

    test('has no serious or critical accessibility violation (axe-core)', async () => {
      // Only this context bypasses the page's CSP, so that axe's source can be injected.
      const { context, page } = await open(path, { bypassCSP: true });
      try {
        const violations = await axeScan(page);
        assert.equal(violations.length, 0, `axe violations:\n${formatViolations(violations)}`);
      } finally {
        await context.close();
      }
    });
  });
}
