// Screenshots of pages for docs/screenshots/: NAME.png at 1280x800 and NAME-mobile.png at
// 360x740, the viewport only (not the full page), so that the images keep one size.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// Where the images go: PARVIS_SCREENSHOTS_DIR, else the repository's docs/screenshots.
export const SCREENSHOTS_DIR = process.env.PARVIS_SCREENSHOTS_DIR ?? resolve(here, '../../../docs/screenshots');

export const SCREENSHOT_VIEWPORTS = [
  { suffix: '', width: 1280, height: 800 },
  { suffix: '-mobile', width: 360, height: 740 },
];

// Colour of the boxes drawn over `mask`ed elements: the stylesheet's --line grey.
const MASK_COLOR = '#c8c8c8';

// Writes both images of the page as it is now, then puts its viewport back; returns the paths.
// `mask`: locators of what changes from run to run (dates), drawn as plain grey boxes so that
// the images stay the same.
export async function screenshot(page, name, { mask = [] } = {}) {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const before = page.viewportSize();
  const paths = [];
  for (const { suffix, width, height } of SCREENSHOT_VIEWPORTS) {
    await page.setViewportSize({ width, height });
    const path = join(SCREENSHOTS_DIR, `${name}${suffix}.png`);
    await page.screenshot({ path, animations: 'disabled', caret: 'hide', mask, maskColor: MASK_COLOR });
    paths.push(path);
  }
  if (before) await page.setViewportSize(before);
  return paths;
}
