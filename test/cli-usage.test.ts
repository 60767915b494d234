import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, runCli } from './fixtures/cli-run.js';

test('--help works on every command and documents the exit statuses', async () => {
  for (const args of [['--help'], ['view', '--help'], ['summary', '--help'], ['help', 'view']]) {
    const { status, stdout, stderr } = await runCli(args);
    assert.equal(status, 0, args.join(' '));
    assert.equal(stderr, '');
    assert.match(stdout, /^Usage: deferred-span/);
    assert.match(stdout, /1 {2}done, but bad input was skipped/);
  }
});

test('an unknown command is named, with what to do, and exits 2', async () => {
  const { status, stdout, stderr } = await runCli(['draw', 'spans.ndjson']);
  assert.equal(status, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^deferred-span: unknown command "draw": the commands are view and summary\. Run `deferred-span --help`/);
});

test('an unknown option is named, with what to do, and exits 2', async () => {
  const { status, stderr } = await runCli(['view', fixture('cli-two-traces.ndjson'), '--colour']);
  assert.equal(status, 2);
  assert.match(stderr, /^deferred-span view: unknown option '--colour'\. Run `deferred-span view --help` for the options\./);
});

test('bad option values and missing arguments exit 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['view'], /missing FILE or URL/],
    [['summary'], /missing FILE/],
    [['view', fixture('cli-two-traces.ndjson'), '--trace', 'xyz'], /--trace: expected a trace ID of 16 or 32 hex characters, got "xyz"/],
    [['view', fixture('cli-two-traces.ndjson'), '--width', 'wide'], /--width: expected a whole number of columns/],
    [['summary', 'a.ndjson', 'b.ndjson'], /one FILE at a time, got 2: .*use --compare OTHER_FILE/],
    [[], /^Usage: deferred-span/],
  ];
  for (const [args, message] of cases) {
    const { status, stderr } = await runCli(args);
    assert.equal(status, 2, args.join(' '));
    assert.match(stderr, message);
  }
});
