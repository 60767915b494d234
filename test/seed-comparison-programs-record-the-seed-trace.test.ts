// The three programs of docs/seed-comparison (the seed scenario traced with deferred-span,
// OpenTelemetry and zipkin-js) run for real, each as its own process against a fake Zipkin
// collector, and must exit by themselves after one GET /object. What each one sent is asserted as
// it really is: the line counts in docs/seed-comparison/line-counts.md describe these traces.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PROGRAM_TIMEOUT_MILLIS = 30_000;

interface Span {
  traceId: string;
  id: string;
  parentId?: string;
  kind?: string;
  name?: string;
  shared?: boolean;
  timestamp?: number;
  duration?: number;
  localEndpoint?: { serviceName?: string };
  annotations?: Array<{ timestamp: number; value: string }>;
  tags?: Record<string, string>;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  spans: Span[];
  posts: number;
}

/** Runs `node --import tsx <program> [url]`, collecting what it POSTs to a fake Zipkin at `url`. */
async function runProgram(program: string, withZipkin = true): Promise<Run> {
  const batches: Span[][] = [];
  const collector = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v2/spans') return void res.writeHead(404).end();
      batches.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Span[]);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/api/v2/spans`;
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', `docs/seed-comparison/${program}`, ...(withZipkin ? [url] : [])], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROGRAM_TIMEOUT_MILLIS);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
    clearTimeout(timer);
    return { code, signal, stdout, stderr, spans: batches.flat(), posts: batches.length };
  } finally {
    collector.closeAllConnections();
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  }
}

function assertExitedAfterOneGet(run: Run): void {
  assert.equal(run.signal, null, `the program did not exit by itself within ${PROGRAM_TIMEOUT_MILLIS} ms; stderr:\n${run.stderr}`);
  assert.equal(run.code, 0, `exit code ${run.code}; stderr:\n${run.stderr}`);
  assert.match(run.stderr, /^GET \/object: 200 3 of 4 fragments read$/m);
  assert.ok(run.posts >= 1, 'nothing was posted to the collector');
}

const byKind = (spans: Span[], kind: string): Span[] => spans.filter((s) => s.kind === kind);
const annotations = (s: Span): string[] => (s.annotations ?? []).map((a) => a.value);

/** The 4 fragment CLIENT spans: siblings under `parent`, one of them the failed read (503). */
function assertFourSiblingClients(clients: Span[], parent: Span, statusTag: string): { failed: Span; ok: Span[] } {
  assert.equal(clients.length, 4, 'one CLIENT span per fragment');
  assert.equal(new Set(clients.map((c) => c.id)).size, 4, 'four distinct CLIENT spans');
  for (const c of clients) assert.equal(c.parentId, parent.id, `CLIENT ${c.id} is a child of the proxy's SERVER span`);
  const failed = clients.filter((c) => c.tags?.[statusTag] === '503');
  assert.equal(failed.length, 1, 'object server 3 answered 503');
  const ok = clients.filter((c) => c.tags?.[statusTag] === '200');
  assert.equal(ok.length, 3);
  return { failed: failed[0]!, ok };
}

test('deferred-span: proxy SERVER, 4 sibling CLIENT spans and 4 shared SERVER spans, in one trace', async () => {
  const run = await runProgram('deferred-span.ts');
  assertExitedAfterOneGet(run);
  assert.equal(run.stdout, '', 'nothing is printed when a Zipkin URL is given');
  const spans = run.spans;
  assert.equal(spans.length, 9);
  assert.equal(new Set(spans.map((s) => s.traceId)).size, 1, 'one trace');
  assert.match(spans[0]!.traceId, /^[0-9a-f]{32}$/, '128-bit trace ID');

  const servers = byKind(spans, 'SERVER');
  const proxy = servers.filter((s) => s.parentId === undefined);
  assert.equal(proxy.length, 1, 'one root: the proxy SERVER span');
  assert.equal(proxy[0]!.localEndpoint?.serviceName, 'proxy');
  assert.equal(proxy[0]!.tags?.['http.path'], '/object');
  assert.equal(proxy[0]!.tags?.['http.status_code'], '200');

  const clients = byKind(spans, 'CLIENT');
  const { failed, ok } = assertFourSiblingClients(clients, proxy[0]!, 'http.status_code');
  for (const c of clients) {
    assert.equal(c.localEndpoint?.serviceName, 'proxy');
    assert.equal(c.tags?.['http.path'], '/fragment');
    assert.ok(annotations(c).includes('wr'), 'an annotation when the response headers arrived');
    assert.ok(annotations(c).includes('ws'));
  }
  assert.equal(failed.tags?.['error'], '503', 'error when !response.ok');
  for (const c of ok) assert.equal(c.tags?.['error'], undefined);

  // Zipkin's shared span: each object server's SERVER span has its client's IDs.
  const objectServers = servers.filter((s) => s !== proxy[0]);
  assert.equal(objectServers.length, 4);
  for (const s of objectServers) {
    const client = clients.find((c) => c.id === s.id);
    assert.ok(client, `SERVER ${s.id} joins a CLIENT span`);
    assert.equal(s.shared, true);
    assert.equal(s.parentId, client.parentId);
    assert.equal(s.localEndpoint?.serviceName, 'object-server');
    assert.equal(s.tags?.['http.status_code'], client.tags?.['http.status_code']);
  }
  assert.equal(objectServers.find((s) => s.id === failed.id)!.tags?.['error'], '503');
});

test('OpenTelemetry: the same fan-out, with child SERVER spans (no shared span) and the program\'s own fetch traced too', async () => {
  const run = await runProgram('opentelemetry.ts');
  assertExitedAfterOneGet(run);
  assert.equal(run.stdout, '');
  const spans = run.spans;
  // Every fetch in the process is traced: the program's own GET /object is the trace's root.
  assert.equal(spans.length, 10);
  assert.equal(new Set(spans.map((s) => s.traceId)).size, 1, 'one trace');
  assert.match(spans[0]!.traceId, /^[0-9a-f]{32}$/);
  for (const s of spans) assert.equal(s.localEndpoint?.serviceName, 'storage', 'one service name for the whole process');

  const roots = spans.filter((s) => s.parentId === undefined);
  assert.equal(roots.length, 1);
  assert.equal(roots[0]!.kind, 'CLIENT');
  assert.equal(roots[0]!.tags?.['url.path'], '/object');
  const proxy = byKind(spans, 'SERVER').filter((s) => s.tags?.['url.path'] === '/object');
  assert.equal(proxy.length, 1);
  assert.equal(proxy[0]!.parentId, roots[0]!.id);

  const clients = byKind(spans, 'CLIENT').filter((s) => s !== roots[0]);
  const { failed, ok } = assertFourSiblingClients(clients, proxy[0]!, 'http.response.status_code');
  for (const c of clients) {
    assert.equal(c.tags?.['url.path'], '/fragment');
    assert.deepEqual(annotations(c), ['wr'], 'the responseHook event, at the response headers');
  }
  // An error status, but not the `error` tag Zipkin looks for: the status has no description.
  assert.equal(failed.tags?.['otel.status_code'], 'ERROR');
  assert.equal(failed.tags?.['error.type'], '503');
  assert.equal(failed.tags?.['error'], undefined);
  for (const c of ok) assert.equal(c.tags?.['otel.status_code'], undefined);

  // No shared span: each object server records a child of its CLIENT span, with IDs of its own.
  const objectServers = byKind(spans, 'SERVER').filter((s) => s !== proxy[0]);
  assert.equal(objectServers.length, 4);
  for (const s of objectServers) {
    const client = clients.find((c) => c.id === s.parentId);
    assert.ok(client, `SERVER ${s.id} is a child of a fragment CLIENT span`);
    assert.notEqual(s.id, client.id);
    assert.equal(s.shared, undefined);
    assert.equal(s.tags?.['url.path'], '/fragment');
    assert.equal(s.tags?.['http.response.status_code'], client.tags?.['http.response.status_code']);
  }
  assert.equal(objectServers.find((s) => s.parentId === failed.id)!.tags?.['otel.status_code'], 'ERROR');
});

test('zipkin-js: proxy SERVER, 4 sibling CLIENT spans (started before the first await) and 4 shared SERVER spans, no annotation', async () => {
  const run = await runProgram('zipkin-js.ts');
  assertExitedAfterOneGet(run);
  assert.equal(run.stdout, '');
  const spans = run.spans;
  assert.equal(spans.length, 9);
  assert.equal(new Set(spans.map((s) => s.traceId)).size, 1, 'one trace');
  assert.match(spans[0]!.traceId, /^[0-9a-f]{16}$/, "zipkin-js's default: 64-bit trace IDs");

  const servers = byKind(spans, 'SERVER');
  const proxy = servers.filter((s) => s.parentId === undefined);
  assert.equal(proxy.length, 1);
  assert.equal(proxy[0]!.localEndpoint?.serviceName, 'proxy');
  assert.equal(proxy[0]!.tags?.['http.path'], '/object');

  // ExplicitContext still holds the proxy's span when the four fetches start: the handler has not
  // awaited anything yet. (test/seed-comparison-zipkin-js-explicit-context-after-await.test.ts: after an await it does not.)
  const clients = byKind(spans, 'CLIENT');
  const { failed, ok } = assertFourSiblingClients(clients, proxy[0]!, 'http.status_code');
  for (const c of clients) {
    assert.equal(c.localEndpoint?.serviceName, 'proxy');
    assert.equal(c.tags?.['http.path'], '/fragment');
    // wrapFetch gives no handle on its span: its end (cr, at the response headers) is the only mark.
    assert.deepEqual(annotations(c), []);
  }
  assert.equal(failed.tags?.['error'], '503');
  for (const c of ok) assert.equal(c.tags?.['error'], undefined);

  const objectServers = servers.filter((s) => s !== proxy[0]);
  assert.equal(objectServers.length, 4);
  for (const s of objectServers) {
    const client = clients.find((c) => c.id === s.id);
    assert.ok(client, `SERVER ${s.id} joins a CLIENT span`);
    assert.equal(s.shared, true);
    assert.equal(s.parentId, client.parentId);
    assert.equal(s.localEndpoint?.serviceName, 'object-server');
  }
  assert.equal(objectServers.find((s) => s.id === failed.id)!.tags?.['error'], '503');
});

test('without a Zipkin URL, each program prints its spans instead, and exits', async () => {
  const runs = await Promise.all(['deferred-span.ts', 'opentelemetry.ts', 'zipkin-js.ts'].map((p) => runProgram(p, false)));
  for (const run of runs) {
    assert.equal(run.signal, null, run.stderr);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.posts, 0);
    // 4 CLIENT and 4 SERVER spans of /fragment at least.
    assert.ok((run.stdout.match(/\/fragment/g) ?? []).length >= 8, run.stdout);
  }
});
