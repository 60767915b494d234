import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { readSpanFile } from '../src/read/span-file.js';
import { runToEnd, type FinishedProcess } from './helpers/process.js';
import type { ZipkinSpan } from '../src/model/zipkin-span.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'seed-example-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function npmStart(env: NodeJS.ProcessEnv): Promise<FinishedProcess> {
  return runToEnd('npm', ['start', '--silent'], { cwd: root, env });
}

/** Checks one request's trace: a proxy SERVER root, 4 CLIENT children, and each one's shared SERVER half. */
function assertFanOut(trace: ZipkinSpan[], rootName: string): void {
  const [rootSpan, ...others] = trace.filter((s) => s.parentId === undefined);
  assert.equal(others.length, 0, 'one root per trace');
  assert.ok(rootSpan);
  assert.deepEqual([rootSpan.name, rootSpan.kind, rootSpan.localEndpoint?.serviceName], [rootName, 'SERVER', 'proxy']);
  const clients = trace.filter((s) => s.kind === 'CLIENT');
  const servers = trace.filter((s) => s.kind === 'SERVER' && s !== rootSpan);
  assert.equal(trace.length, 9);
  assert.equal(clients.length, 4);
  assert.equal(servers.length, 4);
  assert.equal(new Set(clients.map((c) => c.id)).size, 4, 'the 4 concurrent client spans are distinct siblings');
  for (const c of clients) {
    assert.equal(c.parentId, rootSpan.id, 'every client span is a child of the root, none of a sibling');
    assert.equal(c.localEndpoint?.serviceName, 'proxy');
    const server = servers.filter((s) => s.id === c.id);
    assert.equal(server.length, 1, 'each client span has exactly one server half');
    assert.equal(server[0]!.shared, true);
    assert.equal(server[0]!.parentId, rootSpan.id);
    assert.equal(server[0]!.localEndpoint?.serviceName, 'object-server');
  }
}

test('npm start exits 0 on its own, prints the span file and a waterfall, and writes correct trees', { timeout: 30_000 }, async () => {
  const file = join(dir, 'seed.ndjson');
  const env: NodeJS.ProcessEnv = { ...process.env, DEFERRED_SPAN_FILE: file };
  delete env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
  // Exiting at all proves nothing was left running: the example never calls process.exit.
  const { status, stdout, stderr } = await npmStart(env);
  assert.equal(status, 0, stderr);
  assert.ok(stdout.includes(`spans: ${file}\n`), stdout);
  const drawn = /^trace ([0-9a-f]{32}) .* 9 spans · 2 services$/m.exec(stdout);
  assert.ok(drawn, `no waterfall in:\n${stdout}`);
  assert.match(stdout, /^proxy: get object \(server\)/m);
  assert.match(stdout, /^ {4}object-server: get fragment \(server\)/m);
  assert.match(stdout, /^spans written: 225 · dropped: 0 · tracing overhead: \d+\.\d+ µs CPU per traced call, \d+\.\d% of a request's CPU$/m);
  assert.match(stdout, /spans by service: proxy 125, object-server 100\)$/m);

  const { spans, skipped } = await readSpanFile(file);
  assert.equal(skipped, 0);
  assert.equal(spans.length, 225);
  const traces = new Map<string, ZipkinSpan[]>();
  for (const s of spans) traces.set(s.traceId, [...(traces.get(s.traceId) ?? []), s]);
  assert.equal(traces.size, 25);
  let gets = 0;
  for (const trace of traces.values()) {
    const rootName = trace.find((s) => s.parentId === undefined)?.name;
    if (rootName === 'get object') gets++;
    assertFanOut(trace, rootName === 'put object' ? 'put object' : 'get object');
  }
  assert.equal(gets, 20);
  assert.ok(traces.has(drawn[1]!), 'the drawn trace is one of the file');
});
