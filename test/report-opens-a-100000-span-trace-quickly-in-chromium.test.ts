import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runMain } from './fixtures/cli-run.js';
import { chromiumSkip, launchChromium } from './helpers/chromium.js';

const SPANS = 100_000;
const T0 = 1_764_000_000_000_000;

/** One trace: a root with 1,000 children of 99 grandchildren each (100,000 spans in all). */
async function bigTrace(file: string): Promise<void> {
  const out = createWriteStream(file);
  const traceId = '7e441824ec2b6a44ffdc9bb9a6453df3';
  const id = (n: number): string => n.toString(16).padStart(16, '0');
  // Buffered in memory (about 20 MB) rather than paced: the file is written once, fast.
  const write = (s: object): void => void out.write(JSON.stringify(s) + '\n');
  write({ traceId, id: id(1), kind: 'SERVER', name: 'job', timestamp: T0, duration: 10_000_000, localEndpoint: { serviceName: 'batch' } });
  let n = 2;
  for (let c = 0; c < 1000; c++) {
    const child = n++;
    write({ traceId, parentId: id(1), id: id(child), name: 'step', timestamp: T0 + c * 10_000, duration: 9000, localEndpoint: { serviceName: 'batch' }, tags: { step: String(c) } });
    for (let g = 0; g < 99 && n <= SPANS; g++) {
      write({ traceId, parentId: id(child), id: id(n++), name: 'item', timestamp: T0 + c * 10_000 + g * 90, duration: 80 + (g % 7) * 10, localEndpoint: { serviceName: 'batch' } });
    }
  }
  out.end();
  await once(out, 'finish');
}

test('a 100,000-span trace opens, scrolls and expands in Chromium with a few dozen rows of DOM', { skip: chromiumSkip() }, async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ds-report-big-'));
  const spans = path.join(dir, 'big.ndjson');
  await bigTrace(spans);
  const out = path.join(dir, 'big.html');
  const started = performance.now();
  const { status, stderr } = await runMain(['report', spans, '-o', out]);
  const writeMs = performance.now() - started;
  assert.equal(stderr, '');
  assert.equal(status, 0);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const loadStart = performance.now();
    await page.goto(pathToFileURL(out).href);
    await page.waitForSelector('body[data-ready="1"]');
    const loadMs = performance.now() - loadStart;
    const firstPaintMs = Number(await page.locator('body').getAttribute('data-first-paint-ms'));
    assert.equal(await page.locator('#waterfall').getAttribute('data-visible-rows'), String(SPANS));
    const domRows = await page.locator('#waterfall .row').count();
    assert.ok(domRows < 150, `only the rows on screen are drawn, not ${domRows}`);
    // Collapse everything, then expand the root: 1,000 rows, then all again.
    await page.locator('#collapse-all').click();
    assert.equal(await page.locator('#waterfall').getAttribute('data-visible-rows'), '1');
    const expandStart = performance.now();
    await page.locator('#waterfall .row[data-row="0"] .toggle').click();
    await page.waitForSelector('#waterfall[data-visible-rows="1001"]');
    const expandMs = performance.now() - expandStart;
    const toggleMs = Number(await page.locator('body').getAttribute('data-toggle-ms'));
    await page.locator('#expand-all').click();
    const expandAllMs = Number(await page.locator('body').getAttribute('data-toggle-ms'));
    assert.equal(await page.locator('#waterfall').getAttribute('data-visible-rows'), String(SPANS));
    // Scrolled to the end, the last span is drawn.
    await page.locator('#waterfall').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await page.waitForSelector(`#waterfall .row[data-row="${SPANS - 1}"]`);
    assert.deepEqual(errors, []);
    t.diagnostic(`report written in ${writeMs.toFixed(0)} ms; page load to ready ${loadMs.toFixed(0)} ms (script to first paint ${firstPaintMs} ms); expand the root (1,000 children) ${expandMs.toFixed(0)} ms click to rows (${toggleMs} ms in the page); expand all ${expandAllMs} ms`);
    // Generous bounds for a loaded 2-core machine; the figures themselves are in the diagnostic.
    assert.ok(loadMs < 15_000, `load took ${loadMs} ms`);
    assert.ok(toggleMs < 1000, `expanding took ${toggleMs} ms`);
  } finally {
    await browser.close();
  }
});
