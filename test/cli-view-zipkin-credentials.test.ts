// Credentials in a Zipkin URL are sent as Basic auth; whatever a server echoes back (an error page
// quoting the header, spans holding it) is printed with them redacted, on stdout and stderr alike.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { runCli, runMain } from './fixtures/cli-run.js';

const USER = 'zipkin-reader';
const PASSWORD = 's3cr3t-pa55word';
const TOKEN = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const TRACE = '4e441824ec2b6a44ffdc9bb9a6453df3';

/** Every form of the credentials that must not be printed, down to a prefix of the token. */
const FORBIDDEN = [PASSWORD, TOKEN, TOKEN.slice(0, 8), `${USER}:${PASSWORD}`, 'p@ss:w0rd-tw0'];

function assertNoCredentials(output: string): void {
  for (const secret of FORBIDDEN) assert.ok(!output.includes(secret), `"${secret}" printed in:\n${output}`);
}

const received: string[] = [];
let server: Server;
let port: number;

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const auth = req.headers.authorization ?? '';
    received.push(auth);
    const decoded = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString();
    if (path.startsWith('/echo-401/')) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end(`bad credentials: you sent authorization: ${auth} (that is ${decoded})`);
    } else if (path.startsWith('/echo-500-cut/')) {
      // Blank lines, then the header: the 1 KiB read for the message ends inside the token, and
      // the blank lines collapse to one space, so the token's start would sit in the message.
      const head = '\n'.repeat(990) + 'authorization: Basic ';
      res.writeHead(500, { 'content-type': 'text/plain' }).end(head + auth.slice('Basic '.length) + ' and more');
    } else if (path.startsWith('/echo-html/')) {
      // Not Zipkin: the message quotes the page's first 80 characters, which end inside the token.
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'.padEnd(64, ' ') + `you sent ${auth}</html>`);
    } else if (path.startsWith('/echo-spans/')) {
      const span = {
        traceId: TRACE, id: 'a000000000000001', name: `login as ${decoded}`, timestamp: 1_764_000_100_000_000, duration: 10_000,
        localEndpoint: { serviceName: 'proxy' },
        tags: { error: `rejected ${auth}`, 'http.request.header.authorization': auth },
        annotations: [{ timestamp: 1_764_000_100_005_000, value: `password ${decoded.split(':')[1] ?? ''} checked` }],
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(path.endsWith('/traces') ? [[span]] : [span]));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const url = (path: string, password = PASSWORD): string => `http://${USER}:${password}@127.0.0.1:${port}${path}`;

test('a 401 page that echoes the authorization header is shown with the credentials redacted: exit 3', async () => {
  received.length = 0;
  const { status, stdout, stderr } = await runMain(['view', url('/echo-401/'), '--trace', TRACE]);
  assert.equal(status, 3);
  assert.equal(stdout, '');
  assert.deepEqual(received, [`Basic ${TOKEN}`], 'the credentials were sent');
  assert.match(stderr, /^deferred-span view: Zipkin answered 401 to GET http:\/\/127\.0\.0\.1:\d+\/echo-401\/api\/v2\/trace\/4e44\S+: bad credentials: you sent authorization: \[redacted\] \(that is \[redacted\]\)\n$/);
  assertNoCredentials(stderr);
});

test('the start of a token, left by the cut of a long answer, is redacted too', async () => {
  const { status, stderr } = await runMain(['view', url('/echo-500-cut/')]);
  assert.equal(status, 3);
  assert.match(stderr, /answered 500 to GET .*: authorization: \[redacted\]\n$/);
  assertNoCredentials(stderr);
});

test('a page that is not Zipkin is quoted with the credentials redacted before it is cut', async () => {
  const { status, stderr } = await runMain(['view', url('/echo-html/')]);
  assert.equal(status, 3);
  assert.match(stderr, /is not JSON; is this a Zipkin server\? \(it began: "<html> +you sent \[redact"\)\n$/);
  assertNoCredentials(stderr);
});

test('spans that hold the credentials are drawn with them redacted', async () => {
  for (const args of [['--trace', TRACE], []]) {
    const { status, stdout, stderr } = await runMain(['view', url('/echo-spans/'), '--width', '200', ...args]);
    assert.equal(stderr, '');
    assert.equal(status, 0);
    assert.match(stdout, /proxy: login as \[redacted\]/);
    assert.match(stdout, /error: rejected \[redacted\]/);
    assert.match(stdout, /· password \[redacted\] checked/);
    assertNoCredentials(stdout);
  }
});

test('a percent-encoded password is redacted in the form the server decodes it to', async () => {
  const { status, stderr } = await runMain(['view', url('/echo-401/', 'p%40ss%3Aw0rd-tw0')]);
  assert.equal(status, 3);
  assert.match(stderr, /\(that is \[redacted\]\)/);
  assertNoCredentials(stderr);
});

test('usage errors that quote the URL (as a second FILE, as a command), or a URL that does not parse, do not show the password', async () => {
  const two = await runMain(['view', url('/'), url('/other/')]);
  assert.equal(two.status, 2);
  assert.match(two.stderr, /one FILE or URL at a time, got 2: http:\/\/\[redacted\]@127\.0\.0\.1/);
  assertNoCredentials(two.stderr);
  const mistyped = await runMain([url('/')]);
  assert.equal(mistyped.status, 2);
  assert.match(mistyped.stderr, /^deferred-span: unknown command "http:\/\/\[redacted\]@127\.0\.0\.1:\d+\/"/);
  assertNoCredentials(mistyped.stderr);
  const unparsable = await runMain(['view', `http://${USER}:${PASSWORD}@[not-a-host/`]);
  assert.equal(unparsable.status, 2);
  assert.match(unparsable.stderr, /is not a URL; give Zipkin's address/);
  assertNoCredentials(unparsable.stderr);
});

test('the binary redacts the same way on its real output streams', async () => {
  const { status, stdout, stderr } = await runCli(['view', url('/echo-401/')]);
  assert.equal(status, 3);
  assert.equal(stdout, '');
  assert.match(stderr, /you sent authorization: \[redacted\]/);
  assertNoCredentials(stderr);
});
