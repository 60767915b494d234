import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { ZipkinSpan } from '../src/model/zipkin-span.js';
import { runMain } from './fixtures/cli-run.js';
import { chromiumSkip, launchChromium } from './helpers/chromium.js';

const skip = chromiumSkip();
const T0 = 1_764_000_000_000_000;
const traceId = '6e441824ec2b6a44ffdc9bb9a6453df3';

/** The newest trace of run A: a root, 3 clients with their server halves (one skewed, one failed), and a child under one. */
function newestTrace(): ZipkinSpan[] {
  const at = T0 + 10_000_000;
  const root = 'b000000000000001';
  const spans: ZipkinSpan[] = [{ traceId, id: root, kind: 'SERVER', name: 'get object', timestamp: at, duration: 20_000, localEndpoint: { serviceName: 'proxy', ipv4: '10.0.0.1' }, tags: { 'http.path': '/objects/</script><b>x' } }];
  for (let i = 0; i < 3; i++) {
    const id = `b00000000000001${i}`;
    spans.push({ traceId, parentId: root, id, kind: 'CLIENT', name: 'get fragment', timestamp: at + 1000, duration: 10_000, localEndpoint: { serviceName: 'proxy', ipv4: '10.0.0.1' } });
    spans.push({
      traceId, parentId: root, id, kind: 'SERVER', shared: true, name: 'get fragment',
      // Fragment 0's server clock is 10 ms behind.
      timestamp: at + (i === 0 ? -9000 : 2000), duration: 6000, localEndpoint: { serviceName: 'object-server', ipv4: `10.0.1.${i}` },
      annotations: [{ timestamp: at + (i === 0 ? -8000 : 3000), value: 'disk read \u2028done' }],
      tags: i === 2 ? { error: 'disk sd2 read error', 'http.status_code': '503' } : { 'http.status_code': '200' },
    });
  }
  spans.push({ traceId, parentId: 'b000000000000011', id: 'b000000000000021', name: 'read disk', timestamp: at + 3000, duration: 2000, localEndpoint: { serviceName: 'object-server', ipv4: '10.0.1.1' } });
  return spans;
}

/** Older one-span traces of `names`, `n` each, durations spread over a decade. */
function older(names: string[], n: number, scale: number): ZipkinSpan[] {
  const spans: ZipkinSpan[] = [];
  for (const [k, name] of names.entries()) {
    for (let i = 0; i < n; i++) {
      spans.push({ traceId: (k * 1000 + i + 1).toString(16).padStart(32, '0'), id: (k * 1000 + i + 1).toString(16).padStart(16, 'a'), name, timestamp: T0 + i * 1000, duration: Math.round(scale * (500 + ((i * 7919) % 4500))), localEndpoint: { serviceName: 'proxy' } });
    }
  }
  return spans;
}

let browser: Browser | undefined;
let page: Page;
let dir: string;
const consoleErrors: string[] = [];
const blocked: string[] = [];

before(async () => {
  if (skip !== false) return;
  dir = await mkdtemp(path.join(tmpdir(), 'ds-report-'));
  const a = path.join(dir, 'a.ndjson');
  const b = path.join(dir, 'b.ndjson');
  await writeFile(a, [...newestTrace(), ...older(['get object', 'encode'], 30, 1)].map((s) => JSON.stringify(s)).join('\n') + '\n');
  await writeFile(b, older(['get object', 'encode', 'decode'], 30, 1.3).map((s) => JSON.stringify(s)).join('\n') + '\n');
  const out = path.join(dir, 'report.html');
  const { status, stdout, stderr } = await runMain(['report', a, b, '-o', out]);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assert.match(stdout, /wrote .*report\.html: 151 traces listed/);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  const fileUrl = pathToFileURL(out).href;
  // The page may load itself and nothing else.
  await page.route('**/*', (route) => {
    if (route.request().url() === fileUrl) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(fileUrl);
  await page.waitForSelector('body[data-ready="1"]');
});

after(async () => {
  await browser?.close();
});

const rows = (): Promise<number> => page.locator('#waterfall .row').count();

test('the report lists every trace and opens the newest as a waterfall, one row per span', { skip }, async () => {
  assert.equal(await page.locator('#traces tbody tr').count(), 151);
  assert.equal(await rows(), 8);
  assert.equal(await page.locator('#waterfall').getAttribute('data-visible-rows'), '8');
  assert.match((await page.locator('#trace-title').textContent()) ?? '', new RegExp(traceId));
  assert.match((await page.locator('#trace-info').textContent()) ?? '', /1 span \(⇆\) shifted for clock skew/);
  // The layout of `view`: root, then each client with its server half under it.
  const labels = await page.locator('#waterfall .row .label').allTextContents();
  assert.equal(labels[0], 'proxy: get object (server)');
  assert.equal(labels[1], 'proxy: get fragment (client)');
  assert.equal(labels[2], '⇆object-server: get fragment (server)');
});

test('collapsing a row hides its subtree and expanding it shows its children again', { skip }, async () => {
  await page.locator('#waterfall .row[data-row="0"] .toggle').click();
  assert.equal(await rows(), 1);
  await page.locator('#waterfall .row[data-row="0"] .toggle').click();
  assert.equal(await rows(), 8);
  await page.locator('#collapse-all').click();
  assert.equal(await rows(), 1);
  await page.locator('#waterfall .row[data-row="0"] .toggle').click();
  // The root's children, each still collapsed.
  assert.deepEqual(await page.locator('#waterfall .row').evaluateAll((els) => els.map((e) => e.getAttribute('data-depth'))), ['0', '1', '1', '1']);
  await page.locator('#expand-all').click();
  assert.equal(await rows(), 8);
});

test('clicking a span shows its tags and annotations, as text', { skip }, async () => {
  await page.locator('#waterfall .row.error').first().click();
  const tags = await page.locator('#details table.tags tr').allTextContents();
  assert.ok(tags.includes('errordisk sd2 read error'), tags.join(' | '));
  assert.ok(tags.includes('http.status_code503'));
  assert.match((await page.locator('#details table.annotations').textContent()) ?? '', /disk read \u2028done/);
  await page.locator('#waterfall .row[data-row="0"]').click();
  // A tag holding markup is shown as text, not parsed: no element was made of it.
  assert.match((await page.locator('#details table.tags').textContent()) ?? '', /\/objects\/<\/script><b>x/);
  assert.equal(await page.locator('#details b').count(), 0);
  await page.locator('#waterfall .row[data-row="2"]').click();
  assert.match((await page.locator('#details').textContent()) ?? '', /skew \+12\.000ms/);
});

test('a histogram is drawn for every span name, with its percentiles marked', { skip }, async () => {
  const captions = await page.locator('figure.histogram figcaption').allTextContents();
  assert.deepEqual(captions, ['object-server: get fragment', 'object-server: read disk', 'proxy: decode', 'proxy: encode', 'proxy: get fragment', 'proxy: get object']);
  for (const figure of await page.locator('figure.histogram').all()) {
    assert.ok((await figure.locator('rect.bin').count()) > 0);
    assert.ok((await figure.locator('line.marker.p99').count()) >= 1);
  }
  // Two runs overlaid where both have the span name.
  assert.equal(await page.locator('figure.histogram[data-span="proxy: encode"] g.run').count(), 2);
});

test('two files are compared span name by span name', { skip }, async () => {
  assert.equal(await page.locator('#comparison-section').isVisible(), true);
  const encode = await page.locator('#comparison tbody tr', { hasText: 'encode' }).allTextContents();
  assert.equal(encode.length, 1);
  // Service, name, 30 spans in each run, and the second run 1.3 times slower at p50.
  assert.match(encode[0]!, /^proxyencode30\d.*ms30\d.*ms1\.30×/);
});

test('another trace opens from the list, and nothing was fetched and nothing was logged', { skip }, async () => {
  await page.locator('#traces tbody tr').nth(1).click();
  assert.equal(await rows(), 1);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(blocked, []);
  // And the page says so itself: a policy that allows no request at all.
  const html = await readFile(path.join(dir, 'report.html'), 'utf8');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
  assert.ok(!/<script[^>]+src=|<link /.test(html));
});
