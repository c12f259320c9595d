// Headless Chromium for the page tests (Debian's `chromium`, driven by playwright-core), and where
// their screenshots go: every run writes them under test-artifacts/screenshots/ (git-ignored); with
// LIENTHONG_DOCS_SCREENSHOTS=1 the few that docs/audit.md shows are written to docs/img/ as well.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, type CDPSession, chromium, type Locator, type Page } from 'playwright-core';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));
const DOCS_IMG = fileURLToPath(new URL('../../docs/img/', import.meta.url));

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Font hinting differs between machines; this keeps committed screenshots steady.
      '--font-render-hinting=none',
    ],
  });
}

/** Saves a screenshot of the page (or of one element) as a test artefact, and for the docs when asked. */
export async function screenshot(target: Page | Locator, name: string, options: { docs?: boolean } = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const fullPage = 'goto' in target ? { fullPage: true } : {};
  await target.screenshot({ path: `${ARTIFACTS}${name}.png`, ...fullPage });
  if (options.docs && process.env['LIENTHONG_DOCS_SCREENSHOTS'] === '1') {
    await mkdir(DOCS_IMG, { recursive: true });
    await target.screenshot({ path: `${DOCS_IMG}${name}.png`, ...fullPage });
  }
}

/**
 * The fonts Chromium actually drew an element's text with (DevTools' CSS.getPlatformFontsForNode):
 * a Vietnamese text drawn by a font that has its glyphs, not by a fallback box.
 */
export async function platformFonts(
  cdp: CDPSession,
  selector: string,
): Promise<{ familyName: string; glyphCount: number }[]> {
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  return fonts.map(({ familyName, glyphCount }) => ({ familyName, glyphCount }));
}
