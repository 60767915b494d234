// Helpers for the tests that open the HTML report in a real browser: Debian's Chromium, driven
// headless by playwright-core. `npm test` installs it where apt is available (scripts/chromium.sh).
import { accessSync, constants } from 'node:fs';
import type { Browser } from 'playwright-core';

const requireChromium = process.env.DEFERRED_SPAN_REQUIRE_CHROMIUM === '1';

/** The Chromium to drive: $DEFERRED_SPAN_CHROMIUM, else Debian's /usr/bin/chromium; undefined if neither runs. */
export const chromiumPath: string | undefined = [process.env.DEFERRED_SPAN_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => {
  if (p === undefined || p === '') return false;
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

/**
 * For `test(name, { skip: chromiumSkip() }, fn)`: a skip reason when there is no Chromium, false
 * when there is. Throws (failing the file) when DEFERRED_SPAN_REQUIRE_CHROMIUM=1 and there is none,
 * so CI cannot silently skip the browser checks.
 */
export function chromiumSkip(): string | false {
  if (chromiumPath !== undefined) return false;
  if (requireChromium) {
    throw new Error('DEFERRED_SPAN_REQUIRE_CHROMIUM=1 but no Chromium at /usr/bin/chromium (or $DEFERRED_SPAN_CHROMIUM): run `scripts/chromium.sh ensure`');
  }
  return 'no Chromium (/usr/bin/chromium or $DEFERRED_SPAN_CHROMIUM; `scripts/chromium.sh ensure` installs Debian\'s with apt)';
}

/** Starts headless Chromium; without a sandbox when running as root, where Chromium refuses one. */
export async function launchChromium(): Promise<Browser> {
  if (chromiumPath === undefined) throw new Error('no Chromium');
  const { chromium } = await import('playwright-core');
  const root = process.getuid?.() === 0;
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: root ? ['--no-sandbox'] : [] });
}
