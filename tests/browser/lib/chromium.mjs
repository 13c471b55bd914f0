// Headless Chromium for page tests: Debian's /usr/bin/chromium (scripts/setup.sh installs it)
// driven by playwright-core, which downloads no browser of its own.
import { chromium } from 'playwright-core';

// The browser binary: PARVIS_CHROMIUM overrides Debian's.
export const CHROMIUM_PATH = process.env.PARVIS_CHROMIUM ?? '/usr/bin/chromium';

// The desktop viewport; screenshot() also takes a mobile one.
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 };

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // The tests may run as root (CI), where Chromium's sandbox cannot start.
    chromiumSandbox: false,
  });
}

// A fresh context (no cookies, no cache) with JavaScript on or off. `bypassCSP` is for
// contexts that inject test tools (axeScan) only: pages under test keep their policy.
export function newContext(browser, { javaScriptEnabled = true, bypassCSP = false, ...options } = {}) {
  return browser.newContext({
    javaScriptEnabled, bypassCSP, viewport: DESKTOP_VIEWPORT, locale: 'en-GB', ...options,
  });
}

// Records what would show in the console as an error: console.error, uncaught exceptions,
// failed loads and CSP violations (Chromium reports both as console errors). Read `errors`
// after the page settled.
// Chromium's own request for /favicon.ico, which no page asks for, is left out: it is not an
// error of the page, and its report comes or not depending on timing.
export function watchConsole(page) {
  const errors = [];
  const isFavicon = (url) => url && new URL(url).pathname === '/favicon.ico';
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const { url, lineNumber } = message.location();
      if (isFavicon(url)) return;
      errors.push(`console.error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (isFavicon(request.url())) return;
    errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  return errors;
}
