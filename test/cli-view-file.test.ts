import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../src/cli/main.js';
import { fixture, runCli, runMain } from './fixtures/cli-run.js';

const file = fixture('cli-two-traces.ndjson');

/** The row of a span: its label, start, duration and bar, without the bar's contents. */
function rowOf(stdout: string, label: string): string {
  const line = stdout.split('\n').find((l) => l.includes(label));
  assert.ok(line, `no row for "${label}" in:\n${stdout}`);
  return line;
}

test('view draws the newest trace of a file by default, with rows indented by parentage', async () => {
  const { status, stdout, stderr } = await runCli(['view', file, '--width', '110']);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assert.match(stdout, /newest of 2 traces/);
  assert.match(stdout, /trace 4e441824ec2b6a44ffdc9bb9a6453df3 .* 10\.000ms · 5 spans · 2 services/);
  const lines = stdout.split('\n');
  const labels = lines.map((l) => /^\s*[\w-]+: .*?\((?:server|client)\)/.exec(l)?.[0]).filter((l) => l !== undefined);
  // The root, then each client half with its server half one level under it, in start order.
  assert.deepEqual(labels, [
    'proxy: get object (server)',
    '  proxy: get fragment (client)',
    '    object-server: get fragment (server)',
    '  proxy: get fragment (client)',
    '    object-server: get fragment (server)',
  ]);
  assert.match(rowOf(stdout, 'proxy: get object'), /\s0µs\s+10\.000ms │█+│/);
  assert.match(rowOf(stdout, 'Response headers received'), /^ {4}· Response headers received\s+4\.500ms\s+│ *• *│$/);
  assert.match(stdout, /error: object server 2 answered 503/);
  assert.ok(!stdout.includes('\u001b['), 'no colour codes when the output is not a terminal');
});

test('view --trace draws the trace asked for', async () => {
  const { status, stdout } = await runMain(['view', file, '--trace', '0af7651916cd43dd8448eb211c80319c']);
  assert.equal(status, 0);
  assert.match(stdout, /trace 0af7651916cd43dd8448eb211c80319c .* 2 spans/);
  assert.match(rowOf(stdout, 'proxy: encode'), /^ {2}proxy: encode\s+100µs\s+500µs/);
});

test('view --trace with an unknown trace ID says so and exits 3', async () => {
  const { status, stdout, stderr } = await runMain(['view', file, '--trace', '1234567890abcdef']);
  assert.equal(status, 3);
  assert.equal(stdout, '');
  assert.match(stderr, /no trace 1234567890abcdef in .*cli-two-traces\.ndjson/);
});

test('view colours its output when asked, and NO_COLOR turns it off', async () => {
  const forced = await runMain(['view', file], { FORCE_COLOR: '1' });
  assert.equal(forced.status, 0);
  assert.ok(forced.stdout.includes('\u001b[31m'), 'errors are red');
  const plain = await runMain(['view', file, '--color'], { NO_COLOR: '1' });
  assert.ok(plain.stdout.includes('\u001b['), '--color wins over NO_COLOR');
  const off = await runMain(['view', file], { FORCE_COLOR: '1', NO_COLOR: '1' });
  assert.ok(!off.stdout.includes('\u001b['), 'NO_COLOR wins over FORCE_COLOR');
});

test('on a terminal, view takes its width and colours by default', async () => {
  let stdout = '';
  const status = await main(['view', file], {
    stdout: { write: (text: string) => (stdout += text), isTTY: true, columns: 80 },
    stderr: { write: (text: string) => assert.fail(`unexpected stderr: ${text}`) },
    env: {},
  });
  assert.equal(status, 0);
  assert.equal(stdout, (await runMain(['view', file, '--width', '80', '--color'])).stdout);
  assert.notEqual(stdout, (await runMain(['view', file, '--color'])).stdout, 'not the 120 columns of a pipe');
});
