#!/usr/bin/env node
// Writes docs/report-waterfall.png and docs/report-histogram.png: the HTML report of two synthetic
// benchmark runs (a proxy fanning GETs out to 4 object servers, one with a clock 8 ms behind),
// opened in headless Chromium. Run it after changing the report's page:
//
//   node --import tsx scripts/report-screenshots.mjs
//
// Needs Chromium (scripts/chromium.sh ensure). The tests never write these files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildReport } from '../src/report/build-report.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const executablePath = process.env.DEFERRED_SPAN_CHROMIUM || '/usr/bin/chromium';

// A seeded generator, so the pictures only change when the page does.
let seed = 42;
// mulberry32: 32-bit integer arithmetic throughout (a float LCG loses its low bits and repeats IDs).
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const logNormal = (median, sigma) => Math.round(median * Math.exp(sigma * Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random())));
const hex = (bytes) => Array.from({ length: bytes * 2 }, () => Math.floor(random() * 16).toString(16)).join('');

function request(at, slow) {
  const traceId = hex(16);
  const rootId = hex(8);
  const total = logNormal(slow ? 9000 : 7000, 0.25);
  const spans = [{ traceId, id: rootId, kind: 'SERVER', name: 'get /objects/:id', timestamp: at, duration: total, localEndpoint: { serviceName: 'proxy', ipv4: '10.0.0.1' }, tags: { 'http.method': 'GET', 'http.path': '/objects/7', 'http.status_code': '200' } }];
  for (let i = 0; i < 4; i++) {
    const id = hex(8);
    const start = at + 200 + i * 40;
    const client = Math.min(total - 400, logNormal(slow ? 5200 : 4000, 0.3));
    const server = Math.round(client * 0.8);
    const serverAt = start + Math.round((client - server) / 2);
    // Object server 3's clock runs 8 ms behind.
    const skew = i === 3 ? -8000 : 0;
    const failed = i === 2 && random() < 0.3;
    spans.push({ traceId, parentId: rootId, id, kind: 'CLIENT', name: 'get fragment', timestamp: start, duration: client, localEndpoint: { serviceName: 'proxy', ipv4: '10.0.0.1' }, remoteEndpoint: { serviceName: `object-server-${i}` }, annotations: [{ timestamp: start + 30, value: 'wire send' }, { timestamp: start + client - 60, value: 'wire receive' }] });
    spans.push({ traceId, parentId: rootId, id, kind: 'SERVER', shared: true, name: 'get fragment', timestamp: serverAt + skew, duration: server, localEndpoint: { serviceName: `object-server-${i}`, ipv4: `10.0.1.${i + 1}` }, tags: failed ? { error: 'disk sd2 read error', 'http.status_code': '503' } : { 'http.status_code': '200' } });
    spans.push({ traceId, parentId: id, id: hex(8), name: 'read disk', timestamp: serverAt + skew + 100, duration: Math.round(server * 0.7), localEndpoint: { serviceName: `object-server-${i}`, ipv4: `10.0.1.${i + 1}` }, annotations: [{ timestamp: serverAt + skew + 150, value: 'seek' }] });
  }
  spans.push({ traceId, parentId: rootId, id: hex(8), name: 'decode', timestamp: at + total - 900, duration: logNormal(600, 0.2), localEndpoint: { serviceName: 'proxy', ipv4: '10.0.0.1' } });
  return spans;
}

const dir = mkdtempSync(path.join(tmpdir(), 'ds-screenshots-'));
const files = ['before', 'after'].map((run, k) => {
  const spans = [];
  for (let i = 0; i < 400; i++) spans.push(...request(1_764_000_000_000_000 + k * 60_000_000 + i * 20_000, k === 1));
  const file = path.join(dir, `${run}.ndjson`);
  writeFileSync(file, spans.map((s) => JSON.stringify(s)).join('\n') + '\n');
  return file;
});
const { html } = await buildReport(files, {
  title: 'deferred-span report: before.ndjson → after.ndjson',
  onProblem: (file, p) => {
    throw new Error(`${file}:${p.line}: ${p.message}`);
  },
});
const out = path.join(dir, 'report.html');
writeFileSync(out, html);

const browser = await chromium.launch({ executablePath, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.route('**/*', (r) => (r.request().url() === pathToFileURL(out).href ? r.continue() : r.abort()));
  await page.goto(pathToFileURL(out).href);
  await page.waitForSelector('body[data-ready="1"]');
  // The newest trace of the second run, with a span selected to show its tags and annotations.
  await page.locator('#waterfall .row', { hasText: 'object-server-3: get fragment (server)' }).first().click();
  const waterfall = page.locator('section', { has: page.locator('#waterfall') });
  await waterfall.screenshot({ path: path.join(root, 'docs', 'report-waterfall.png') });
  await page.locator('figure.histogram', { hasText: 'proxy: get fragment' }).first().screenshot({ path: path.join(root, 'docs', 'report-histogram.png') });
  console.log('wrote docs/report-waterfall.png and docs/report-histogram.png');
} finally {
  await browser.close();
}
