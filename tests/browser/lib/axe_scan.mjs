// Accessibility scan with axe-core, injected from node_modules into the page under test.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Rules axe runs: WCAG 2.0, 2.1 and 2.2 levels A and AA, and axe's best practices.
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

// Runs axe on the loaded page and returns its serious and critical violations, each as
// { id, impact, help, helpUrl, nodes: [{ target, html, summary }] }. Pages forbid inline
// scripts, so the page must come from a context created with bypassCSP: true and JavaScript
// enabled (newContext(browser, { bypassCSP: true })).
export async function axeScan(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    throw new Error('axe-core did not load: scan in a context with bypassCSP: true and JavaScript on');
  }
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS);
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(({ id, impact, help, helpUrl, nodes }) => ({
      id, impact, help, helpUrl,
      nodes: nodes.map(({ target, html, failureSummary }) => ({ target, html, summary: failureSummary })),
    }));
}

// One readable paragraph per violation, for assertion messages.
export function formatViolations(violations) {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n` +
    v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.html}\n    ${(n.summary ?? '').replace(/\n/g, '\n    ')}`).join('\n'))
    .join('\n');
}
