// Span data is input: a name or tag holding ESC, BEL, DEL or C1 controls is printed as visible
// escapes (\x1b), so it cannot set the window title or clear the screen; the CLI's own colours stay.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runMain } from './fixtures/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-escapes-'));
const TRACE = '4e441824ec2b6a44ffdc9bb9a6453df3';
const T0 = 1_764_000_100_000_000;

const TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J\u001b[H';
const hostile = [
  {
    traceId: TRACE, id: 'a000000000000001', name: `${TITLE} title`, timestamp: T0, duration: 10_000,
    localEndpoint: { serviceName: `evil${CLEAR}` },
    tags: { error: `boom${CLEAR}` },
    annotations: [{ timestamp: T0 + 5000, value: 'bell\u0007 del\u007f csi\u009b31m nul\u0000' }],
  },
  { traceId: TRACE, parentId: 'a000000000000001', id: 'a000000000000002', name: 'two\nlines\ttab', timestamp: T0 + 100, duration: 500, localEndpoint: { serviceName: 'app' } },
];
const file = join(dir, 'hostile.ndjson');
writeFileSync(file, hostile.map((s) => JSON.stringify(s)).join('\n') + '\n');

const ESC = '\u001b';
/** The CLI's own colour codes (SGR: ESC [ digits m), the one use of ESC that may reach the output. */
const SGR = new RegExp(`${ESC}\\[\\d+m`, 'g');
/** An ESC that does not start one of the CLI's own colour codes. */
const OTHER_ESC = new RegExp(`${ESC}(?!\\[\\d+m)`, 'g');

/** Fails if `output` holds a control character other than a line end and the CLI's own colour codes (SGR). */
function assertNoRawControls(output: string): void {
  const rest = output.replace(SGR, '');
  // eslint-disable-next-line no-control-regex
  const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.exec(rest);
  assert.equal(raw, null, `raw control character ${JSON.stringify(raw?.[0])} at ${raw?.index} in:\n${JSON.stringify(output)}`);
}

let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === `/api/v2/trace/${TRACE}`) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hostile));
    else res.writeHead(500, { 'content-type': 'text/plain' }).end(`broken ${TITLE}${CLEAR}\u0007`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('view shows control characters of span names, services, tags and annotations as visible escapes', async () => {
  const { status, stdout, stderr } = await runMain(['view', file, '--width', '200']);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assertNoRawControls(stdout);
  assert.ok(!stdout.includes('\u001b'), 'no ESC at all without colour');
  assert.ok(stdout.includes('evil\\x1b[2J\\x1b[H: \\x1b]0;pwned\\x07 title'), stdout);
  assert.ok(stdout.includes('error: boom\\x1b[2J\\x1b[H'), stdout);
  assert.ok(stdout.includes('· bell\\x07 del\\x7f csi\\x9b31m nul\\x00'), stdout);
  assert.ok(stdout.includes('app: two\\x0alines\\x09tab'), stdout);
});

test('with colour on, the CLI still paints its own rows while span data stays escaped', async () => {
  const { status, stdout } = await runMain(['view', file, '--width', '200'], { FORCE_COLOR: '1' });
  assert.equal(status, 0);
  assertNoRawControls(stdout);
  assert.ok(stdout.includes('\u001b[31m'), 'the error row is red');
  assert.ok(stdout.includes('\u001b[1mtrace '), 'the title is bold');
  // Every ESC that is left starts one of the CLI's own SGR colour codes.
  assert.deepEqual([...stdout.matchAll(OTHER_ESC)], []);
});

test('spans from Zipkin, and a Zipkin error page, are escaped the same way', async () => {
  const drawn = await runMain(['view', base, '--trace', TRACE, '--width', '200']);
  assert.equal(drawn.status, 0);
  assertNoRawControls(drawn.stdout);
  assert.ok(drawn.stdout.includes('\\x1b]0;pwned\\x07 title'));
  const failed = await runMain(['view', base]);
  assert.equal(failed.status, 3);
  assertNoRawControls(failed.stderr);
  assert.match(failed.stderr, /answered 500 to GET .*: broken \\x1b\]0;pwned\\x07\\x1b\[2J\\x1b\[H\\x07\n$/);
});

test('summary escapes span names and services in its table, and leaves no raw DEL or C1 in --json', async () => {
  const table = await runMain(['summary', file]);
  assert.equal(table.status, 0);
  assertNoRawControls(table.stdout);
  assert.match(table.stdout, /\nevil\\x1b\[2J\\x1b\[H\s+\\x1b\]0;pwned\\x07 title\s+1\s+1\s/);
  const json = await runMain(['summary', file, '--json']);
  assert.equal(json.status, 0);
  assertNoRawControls(json.stdout);
  const report = JSON.parse(json.stdout) as { groups: Array<{ serviceName: string; name: string }> };
  assert.deepEqual(report.groups.map((g) => g.name).sort(), ['two\nlines\ttab', `${TITLE} title`].sort(), 'the JSON still holds the names as they are');
  const withC1 = join(dir, 'c1.ndjson');
  writeFileSync(withC1, JSON.stringify({ ...hostile[1], name: 'csi\u009b2J del\u007f' }) + '\n');
  const c1 = await runMain(['summary', withC1, '--json']);
  assertNoRawControls(c1.stdout);
  assert.ok(c1.stdout.includes('"name": "csi\\u009b2J del\\u007f"'), c1.stdout);
  assert.equal((JSON.parse(c1.stdout) as { groups: Array<{ name: string }> }).groups[0]!.name, 'csi\u009b2J del\u007f');
});

test('messages that quote the input (a bad line, a path) escape it too', async () => {
  const bad = join(dir, 'bad-lines.ndjson');
  writeFileSync(bad, `${TITLE}{"oops"\n${JSON.stringify({ ...hostile[1], tags: { [`k${CLEAR}`]: 7 } })}\n${JSON.stringify(hostile[0])}\n`);
  const { status, stderr } = await runMain(['view', bad]);
  assert.equal(status, 1);
  assertNoRawControls(stderr);
  assert.match(stderr, /bad-lines\.ndjson:1: skipped: not JSON \(.*\\x1b\]0;pwned\\x07/);
  assert.match(stderr, /bad-lines\.ndjson:2: skipped: not a Zipkin v2 span: tags\.k\\x1b\[2J\\x1b\[H: expected a string/);
  for (const command of ['view', 'summary']) {
    const missing = await runMain([command, join(dir, `gone${CLEAR}.ndjson`)]);
    assert.equal(missing.status, 3);
    assertNoRawControls(missing.stderr);
    assert.match(missing.stderr, /cannot read .*gone\\x1b\[2J\\x1b\[H\.ndjson: no such file/);
  }
});
