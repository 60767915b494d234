// Traces far larger than a screen: wide (siblings), deep (a chain of parents) and huge (a million
// spans), drawn without recursion and with the rows past --limit counted, not drawn.
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, test } from 'node:test';
import type { ZipkinSpan } from '../src/model/zipkin-span.js';
import { buildTraceTree, renderWaterfall } from '../src/read/waterfall.js';
import { runCli, runMain } from './fixtures/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-view-large-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TRACE = '4e441824ec2b6a44ffdc9bb9a6453df3';
const T0 = 1_764_000_000_000_000;
const spanId = (i: number): string => (i + 1).toString(16).padStart(16, '0');

/** Span `i` of a trace: a root, then either children of the root (`wide`) or each the child of the one before (`deep`). */
function span(i: number, shape: 'wide' | 'deep', n: number): ZipkinSpan {
  const s: ZipkinSpan = { traceId: TRACE, id: spanId(i), name: `step ${i}`, timestamp: T0 + i, duration: shape === 'deep' ? n - i : 5, localEndpoint: { serviceName: 'app' } };
  if (i > 0) s.parentId = shape === 'deep' ? spanId(i - 1) : spanId(0);
  return s;
}

/** Writes a trace of `n` spans as NDJSON, a line at a time, and returns its path. */
async function traceFile(name: string, n: number, shape: 'wide' | 'deep'): Promise<string> {
  const path = join(dir, name);
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) {
    if (!out.write(JSON.stringify(span(i, shape, n)) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return path;
}

/** The rows of spans in a waterfall (not the header, annotations or closing line). */
const spanRows = (stdout: string): string[] => stdout.split('\n').filter((l) => / app: step \d+|^app: step \d+/.test(l));

test('view draws a trace of 200,000 siblings: the first 500 spans, the rest counted in one line', async () => {
  const path = await traceFile('wide.ndjson', 200_000, 'wide');
  const { status, stdout, stderr } = await runMain(['view', path, '--width', '100']);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assert.match(stdout, /trace 4e441824ec2b6a44ffdc9bb9a6453df3 .* 200000 spans · 1 service/);
  const rows = spanRows(stdout);
  assert.equal(rows.length, 500);
  assert.match(rows[0]!, /^app: step 0 /);
  assert.match(rows[1]!, /^ {2}app: step 1 /);
  assert.match(rows[499]!, /^ {2}app: step 499 /);
  assert.equal(stdout.trimEnd().split('\n').at(-1), '… 199,500 more spans not drawn (use --limit N to draw more, or --limit all)');
});

test('view draws a parent chain 4,000 deep, every span with --limit all, in parentage order', async () => {
  const path = await traceFile('deep.ndjson', 4000, 'deep');
  const started = performance.now();
  const { status, stdout, stderr } = await runMain(['view', path, '--limit', 'all', '--width', '200']);
  const millis = performance.now() - started;
  assert.equal(stderr, '');
  assert.equal(status, 0, stdout.slice(-2000));
  assert.doesNotMatch(stdout, /more spans? not drawn/);
  const rows = stdout.split('\n').slice(3, -1);
  assert.equal(rows.length, 4000);
  assert.match(rows[0]!, /^app: step 0 /);
  assert.match(rows[3]!, /^ {6}app: step 3 /);
  // Deeper than the label column: the indent fills it, and the row still has its times and bar.
  assert.match(rows[3999]!, /^ +… +3\.999ms +1µs │ *█│$/);
  // Logged, not asserted: the machine may be busy with benchmarks.
  console.log(`4,000-deep chain drawn in ${millis.toFixed(0)} ms`);
});

test('--limit N draws N spans, and 0 or all draws every one', async () => {
  const path = await traceFile('small.ndjson', 30, 'wide');
  const ten = await runMain(['view', path, '--limit', '10']);
  assert.equal(ten.status, 0);
  assert.equal(spanRows(ten.stdout).length, 10);
  assert.match(ten.stdout, /\n… 20 more spans not drawn \(use --limit N/);
  const one = await runMain(['view', path, '--limit', '29']);
  assert.match(one.stdout, /\n… 1 more span not drawn /);
  for (const all of ['0', 'all', 'ALL', '30', '1000']) {
    const { status, stdout } = await runMain(['view', path, '--limit', all]);
    assert.equal(status, 0, all);
    assert.equal(spanRows(stdout).length, 30, all);
    assert.doesNotMatch(stdout, /not drawn/, all);
  }
});

test('a bad --limit is a usage error naming the option: exit 2', async () => {
  const path = await traceFile('tiny.ndjson', 3, 'wide');
  for (const bad of ['-1', 'ten', '2.5', '', '1e400']) {
    const { status, stdout, stderr } = await runMain(['view', path, `--limit=${bad}`]);
    assert.equal(status, 2, bad);
    assert.equal(stdout, '');
    assert.match(stderr, new RegExp(`^deferred-span view: --limit: expected a whole number of spans to draw, or 0 or "all" for every span, got "${bad}"`), bad);
  }
});

test('renderWaterfall and buildTraceTree take 200,000 siblings and a chain 20,000 deep in memory', () => {
  const wide = Array.from({ length: 200_000 }, (_, i) => span(i, 'wide', 200_000));
  const drawn = renderWaterfall(wide, { width: 100, limit: 3 });
  assert.equal(drawn.length, 2 + 3 + 1);
  assert.equal(drawn.at(-1), '… 199,997 more spans not drawn');
  const roots = buildTraceTree(wide);
  assert.equal(roots.length, 1);
  assert.equal(roots[0]!.children.length, 199_999);

  const deep = Array.from({ length: 20_000 }, (_, i) => span(i, 'deep', 20_000)).reverse();
  let node = buildTraceTree(deep)[0];
  let depth = 0;
  while (node !== undefined && node.children.length > 0) {
    assert.equal(node.children.length, 1);
    node = node.children[0];
    depth++;
  }
  assert.equal(depth, 19_999);
  assert.equal(node?.span.id, spanId(19_999));
  assert.equal(renderWaterfall(deep, { width: 80 }).length, 2 + 20_000);
});

test('view of a 1,000,000-span trace runs in a 64 MB heap: the spans are laid out compactly, and only the drawn ones are kept', async () => {
  // Bare spans keep the file small (~110 MB); held as objects they would need several times the heap.
  const path = join(dir, 'million.ndjson');
  const out = createWriteStream(path);
  for (let i = 0; i < 1_000_000; i++) {
    const line = `{"traceId":"${TRACE}","id":"${spanId(i)}"${i > 0 ? `,"parentId":"${spanId(Math.floor((i - 1) / 10))}"` : ''},"timestamp":${T0 + i},"duration":1}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const { status, stdout, stderr } = await runCli(['view', path, '--width', '100'], { NODE_OPTIONS: '--max-old-space-size=64' });
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assert.match(stdout, / 1000000 spans · 1 service/);
  assert.equal(stdout.split('\n').filter((l) => l.includes('unknown: (unnamed)')).length, 500);
  assert.match(stdout, /\n… 999,500 more spans not drawn \(use --limit N/);
});
