import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { fixture, runCli, runMain } from './fixtures/cli-run.js';

// A stand-in for Zipkin's query API, serving the spans of the two-trace fixture.
const spans = readFileSync(fixture('cli-two-traces.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { traceId: string; id: string });
const traces = new Map<string, unknown[]>();
for (const s of spans) traces.set(s.traceId, [...(traces.get(s.traceId) ?? []), s]);
const BROKEN = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
traces.set(BROKEN, [{ ...spans[0]!, traceId: BROKEN }, { traceId: BROKEN, id: 'not-hex' }]);

const requested: string[] = [];
let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requested.push(url.pathname + url.search);
    const one = /^\/api\/v2\/trace\/([0-9a-f]+)$/.exec(url.pathname);
    if (url.pathname === '/api/v2/traces') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([...traces.entries()].filter(([id]) => id !== BROKEN).map(([, t]) => t)));
    } else if (one) {
      const trace = traces.get(one[1]!);
      if (trace === undefined) res.writeHead(404).end(`trace ${one[1]} not found`);
      else res.setHeader('content-type', 'application/json').end(JSON.stringify(trace));
    } else {
      res.setHeader('content-type', 'text/html').end('<html>not zipkin</html>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('view URL draws the newest trace that Zipkin returns from /api/v2/traces', async () => {
  const { status, stdout, stderr } = await runCli(['view', base]);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assert.ok(requested.includes('/api/v2/traces?limit=10'), requested.join(' '));
  assert.match(stdout, /newest trace from/);
  assert.match(stdout, /trace 4e441824ec2b6a44ffdc9bb9a6453df3 .* 5 spans/);
  assert.match(stdout, /\n {4}object-server: get fragment \(server\)/);
});

test('view URL --trace reads /api/v2/trace/{id}, and takes the span endpoint URL as well as the base', async () => {
  const { status, stdout } = await runMain(['view', `${base}/api/v2/spans`, '--trace', '0af7651916cd43dd8448eb211c80319c']);
  assert.equal(status, 0);
  assert.ok(requested.includes('/api/v2/trace/0af7651916cd43dd8448eb211c80319c'), requested.join(' '));
  assert.match(stdout, /trace 0af7651916cd43dd8448eb211c80319c .* 2 spans/);
});

test('a trace Zipkin does not have is named, and the exit status is 3', async () => {
  const { status, stderr } = await runMain(['view', base, '--trace', '1234567890abcdef']);
  assert.equal(status, 3);
  assert.match(stderr, /Zipkin at .* has no trace 1234567890abcdef/);
});

test('an invalid span from Zipkin is reported and skipped; the rest is drawn with exit status 1', async () => {
  const { status, stdout, stderr } = await runMain(['view', base, '--trace', BROKEN]);
  assert.equal(status, 1);
  assert.match(stderr, /skipped span 1: not a Zipkin v2 span: id: expected 16 lowercase hex characters/);
  assert.match(stdout, /proxy: put object/);
});

test('a URL that is not Zipkin, or not reachable, is named, with what to check: exit 3', async () => {
  const notZipkin = await runMain(['view', `${base}/elsewhere/`]);
  assert.equal(notZipkin.status, 3);
  assert.match(notZipkin.stderr, /is not JSON; is this a Zipkin server\?/);
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const down = await runMain(['view', `http://127.0.0.1:${port}`]);
  assert.equal(down.status, 3);
  assert.match(down.stderr, /could not reach Zipkin at http:\/\/127\.0\.0\.1:\d+\/api\/v2\/traces\?limit=10 \(ECONNREFUSED\); check the URL and that Zipkin is running/);
});
