import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { getTraces, postSpans, randomHexId, requireZipkinUrl, uniqueServiceName, waitFor, zipkinSkip } from './helpers/zipkin.js';
import { runMain } from './fixtures/cli-run.js';

const skip = zipkinSkip();
const TRACES = 250;
const service = uniqueServiceName('summary-url');

before(async () => {
  if (skip !== false) return;
  // 250 one-span traces a second apart, ending now: more than two of summary's 100-trace pages.
  const now = Date.now() * 1000;
  const spans = Array.from({ length: TRACES }, (_, i) => ({
    traceId: randomHexId(16),
    id: randomHexId(8),
    name: i % 2 === 0 ? 'even' : 'odd',
    timestamp: now - (i + 1) * 1_000_000,
    duration: 1000 + i,
    localEndpoint: { serviceName: service },
  }));
  const posted = await postSpans(spans);
  assert.equal(posted.status, 202, posted.body);
  await waitFor(() => getTraces({ serviceName: service, limit: 1000 }), (t) => t.length === TRACES, { description: 'Zipkin to index the traces' });
});

test('summary URL reads every trace of a service in the window, paged back in time by endTs', { skip }, async () => {
  const { status, stdout, stderr } = await runMain(['summary', requireZipkinUrl(), '--service', service, '--since', '1h', '--json']);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  const report = JSON.parse(stdout) as { spans: number; traces: number; groups: Array<{ name: string; count: number; min: number; max: number }> };
  assert.equal(report.traces, TRACES);
  assert.equal(report.spans, TRACES, 'no trace counted twice across pages');
  assert.deepEqual(report.groups.map((g) => [g.name, g.count, g.min, g.max]), [['even', 125, 1000, 1248], ['odd', 125, 1001, 1249]]);
});

test('--limit stops at that many traces, newest first; --since narrows the window', { skip }, async () => {
  const limited = JSON.parse((await runMain(['summary', requireZipkinUrl(), '--service', service, '--limit', '120', '--json'])).stdout) as { traces: number; groups: Array<{ min: number; max: number }> };
  assert.equal(limited.traces, 120);
  // The newest 120 are the shortest: durations 1000 to 1119.
  assert.deepEqual([Math.min(...limited.groups.map((g) => g.min)), Math.max(...limited.groups.map((g) => g.max))], [1000, 1119]);
  const recent = JSON.parse((await runMain(['summary', requireZipkinUrl(), '--service', service, '--since', '60s', '--json'])).stdout) as { traces: number };
  // Spans a second apart: the last minute holds about 60 of them (the window moved a little since).
  assert.ok(recent.traces >= 50 && recent.traces <= 61, String(recent.traces));
  const table = await runMain(['summary', requireZipkinUrl(), '--service', service, '--limit', '10']);
  assert.match(table.stdout, /^http:\/\/127\.0\.0\.1:\d+\/?: 10 spans in 10 traces/);
});

test('an empty window is nothing to show (exit 3) with what to change', { skip }, async () => {
  const { status, stderr } = await runMain(['summary', requireZipkinUrl(), '--service', uniqueServiceName('nobody'), '--since', '5m']);
  assert.equal(status, 3);
  assert.match(stderr, /has no traces of service "nobody-.*" in the last 5m; widen it with --since/);
});

// A stand-in Zipkin that records the queries, to pin the paging itself.
let stub: Server;
let stubUrl = '';
const queries: URLSearchParams[] = [];
// The newest trace's start, epoch ms: a minute ago, inside the window asked for.
const base = Date.now() - 60_000;
before(async () => {
  stub = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    queries.push(q);
    const endTs = Number(q.get('endTs'));
    const limit = Number(q.get('limit'));
    // Traces one a millisecond, the newest at `base`, 150 in all; the query's endTs is inclusive.
    const traces = [];
    for (let t = Math.min(endTs, base); t > base - 150 && traces.length < limit; t--) {
      traces.push([{ traceId: (t - base + 1000).toString(16).padStart(16, '0'), id: '00000000000000aa', name: 'x', timestamp: t * 1000, duration: 10, localEndpoint: { serviceName: 's' } }]);
    }
    res.setHeader('content-type', 'application/json').end(JSON.stringify(traces));
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => stub.close(() => resolve())));

test('each page ends where the last one\'s oldest trace began, and the window is endTs − lookback', async () => {
  queries.length = 0;
  const { status, stdout } = await runMain(['summary', stubUrl, '--since', '1d', '--json']);
  assert.equal(status, 0);
  assert.equal((JSON.parse(stdout) as { traces: number }).traces, 150, queries.map((q) => q.toString()).join(" | "));
  assert.ok(queries.length >= 2 && queries.length <= 3, String(queries.length));
  const [first, second] = queries;
  assert.equal(first!.get('limit'), '100');
  const lookback = Number(first!.get('lookback'));
  assert.equal(lookback, 86_400_000);
  // The second page ends at the oldest start of the first: the 100th newest, base − 99.
  assert.equal(second!.get('endTs'), String(base - 99));
  assert.equal(Number(second!.get('endTs')) - Number(second!.get('lookback')), Number(first!.get('endTs')) - lookback, 'the window start stays put');
});
