// What page tests import: nodes, the browser, the accessibility scan and screenshots.
export { ParvisNode, PARVIS_BINARY, TEST_PASSWORD, startNodes, stopNodes } from './parvis_node.mjs';
export { CHROMIUM_PATH, DESKTOP_VIEWPORT, launchChromium, newContext, watchConsole } from './chromium.mjs';
export { axeScan, formatViolations } from './axe_scan.mjs';
export { SCREENSHOTS_DIR, screenshot } from './screenshot.mjs';
