// `view URL` against servers that answer too much or too slowly: each is a named failure with
// exit status 3, never a bug (70), and never a wait without end.
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { fixture, runMain } from './fixtures/cli-run.js';

const TRACE = '4e441824ec2b6a44ffdc9bb9a6453df3';
const spans = [{ traceId: TRACE, id: 'a000000000000001', name: 'get object', timestamp: 1_764_000_100_000_000, duration: 10_000, localEndpoint: { serviceName: 'proxy' } }];
/** A valid answer of 10 KiB: one trace, padded with JSON whitespace. */
const padded = JSON.stringify([spans]).padEnd(10 * 1024, ' ');

/** Writes spaces until the client goes away: an answer with no end. */
function endless(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('[');
  const pump = (): void => {
    while (!res.destroyed && res.write(' '.repeat(16 * 1024)));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/padded/api/v2/traces') res.writeHead(200, { 'content-type': 'application/json' }).end(padded);
    else if (path === '/endless/api/v2/traces') endless(res);
    // The headers, the start of the body, then nothing: the connection stays open.
    else if (path === '/stall-body/api/v2/traces') res.writeHead(200, { 'content-type': 'application/json' }).write('[');
    else if (path === '/stall-body-500/api/v2/traces') res.writeHead(500, { 'content-type': 'text/plain' }).write('overloa');
    // Not even the headers.
    else if (path.startsWith('/stall-headers/')) return;
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  // The stalled answers hold their connections open: end them, or close() would wait for them.
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

test('an answer larger than --max-bytes (by its content-length) stops with a message naming the option: exit 3', async () => {
  const ok = await runMain(['view', `${base}/padded`]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /proxy: get object/);
  const { status, stdout, stderr } = await runMain(['view', `${base}/padded`, '--max-bytes', '4KiB']);
  assert.equal(status, 3);
  assert.equal(stdout, '');
  assert.match(stderr, /^deferred-span view: the answer to GET http:\/\/127\.0\.0\.1:\d+\/padded\/api\/v2\/traces\?limit=10 is larger than 4 KiB, the most read; allow more with --max-bytes \(now 4096 bytes\)/);
});

test('an answer without an end is read only up to --max-bytes: exit 3, without waiting for the timeout', async () => {
  const { status, stdout, stderr } = await runMain(['view', `${base}/endless`, '--max-bytes', '65536', '--timeout', '60']);
  assert.equal(status, 3);
  assert.equal(stdout, '');
  assert.match(stderr, /\/endless\/api\/v2\/traces\?limit=10 is larger than 64 KiB, the most read; allow more with --max-bytes/);
});

test('a server that sends its headers and then stalls is given up on after --timeout: exit 3, not a bug', async () => {
  const { status, stdout, stderr } = await runMain(['view', `${base}/stall-body`, '--timeout', '0.2']);
  assert.equal(stdout, '');
  assert.equal(status, 3, stderr);
  assert.match(stderr, /^deferred-span view: Zipkin at http:\/\/127\.0\.0\.1:\d+\/stall-body\/api\/v2\/traces\?limit=10 answered 200 but did not send the whole answer within 0\.2 s; if Zipkin is only slow, allow it more with --timeout SECONDS\n$/);
  const failing = await runMain(['view', `${base}/stall-body-500`, '--timeout', '0.2']);
  assert.equal(failing.status, 3, failing.stderr);
  assert.match(failing.stderr, /answered 500 but did not send the whole answer within 0\.2 s/);
});

test('a server that never answers is given up on after --timeout: exit 3', async () => {
  const { status, stderr } = await runMain(['view', `${base}/stall-headers`, '--trace', TRACE, '--timeout', '0.2']);
  assert.equal(status, 3, stderr);
  assert.match(stderr, /^deferred-span view: Zipkin at http:\/\/127\.0\.0\.1:\d+\/stall-headers\/api\/v2\/trace\/4e441824ec2b6a44ffdc9bb9a6453df3 did not answer within 0\.2 s; if Zipkin is only slow/);
});

test('bad --max-bytes and --timeout values, or either with a file, are usage errors naming the option: exit 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[base, '--max-bytes', 'lots'], /^deferred-span view: --max-bytes: expected a size of at least 1 byte, like 1048576 or 64MiB \(units: KiB, MiB, GiB\), got "lots"/],
    [[base, '--max-bytes', '0'], /--max-bytes: expected a size of at least 1 byte/],
    [[base, '--max-bytes', '12 parsecs'], /--max-bytes: expected a size/],
    [[base, '--timeout', '0'], /^deferred-span view: --timeout: expected a number of seconds greater than 0 and at most 2147483, like 10 or 0\.5, got "0"/],
    [[base, '--timeout', 'soon'], /--timeout: expected a number of seconds/],
    [[base, '--timeout', '1e9'], /--timeout: expected a number of seconds/],
    [[fixture('cli-two-traces.ndjson'), '--max-bytes', '1MiB'], /--max-bytes works with a Zipkin URL only/],
    [[fixture('cli-two-traces.ndjson'), '--timeout', '5'], /--timeout works with a Zipkin URL only/],
  ];
  for (const [args, message] of cases) {
    const { status, stdout, stderr } = await runMain(['view', ...args]);
    assert.equal(status, 2, args.join(' '));
    assert.equal(stdout, '');
    assert.match(stderr, message);
  }
});
