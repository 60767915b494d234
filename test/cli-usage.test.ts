import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { COMMANDS } from '../src/cli/commands.js';
import { main } from '../src/cli/main.js';
import { runToEnd } from './helpers/process.js';
import { cliEntry, fixture, repoRoot, runCli, runMain } from './fixtures/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-usage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

test('--help works on every command and documents the exit statuses', async () => {
  for (const args of [['--help'], ['-h'], ['view', '--help'], ['view', '-h'], ['summary', '--help'], ['help'], ['help', 'view'], ['help', 'summary']]) {
    const { status, stdout, stderr } = await runMain(args);
    assert.equal(status, 0, args.join(' '));
    assert.equal(stderr, '');
    assert.match(stdout, /^Usage: deferred-span/);
    assert.match(stdout, /1 {2}done, but bad input was skipped/);
  }
});

test('the binary prints its help with exit 0, and its usage on stderr with exit 2 when no command is given', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.status, 0);
  assert.equal(help.stderr, '');
  assert.match(help.stdout, /^Usage: deferred-span/);
  assert.match(help.stdout, /1 {2}done, but bad input was skipped/);
  const bare = await runCli([]);
  assert.equal(bare.status, 2);
  assert.equal(bare.stdout, '');
  assert.match(bare.stderr, /^Usage: deferred-span/);
});

test('started through a symlink, as npm\'s bin link starts it, the binary still runs', async () => {
  const link = join(dir, 'deferred-span');
  symlinkSync(cliEntry, link);
  const { status, stdout, stderr } = await runToEnd(process.execPath, ['--import', 'tsx', link, '--version'], { cwd: repoRoot });
  assert.equal(stderr, '');
  assert.equal(status, 0);
  assert.equal(stdout, `${packageVersion}\n`);
});

test('--version prints the version in package.json', async () => {
  for (const flag of ['--version', '-v']) {
    assert.deepEqual(await runMain([flag]), { status: 0, signal: null, stdout: `${packageVersion}\n`, stderr: '' });
  }
});

test('the main help lists every command of the table, and `help NAME` and `NAME --help` print its usage', async () => {
  const { stdout } = await runMain(['--help']);
  const listed = /\nCommands:\n((?: {2}.*\n)+)/.exec(stdout)?.[1] ?? assert.fail(stdout);
  assert.deepEqual(
    listed.trimEnd().split('\n').map((l) => l.trim().replace(/\s{2,}/, ' | ')),
    COMMANDS.map((c) => `${c.name} ${c.synopsis} | ${c.summary}`),
  );
  for (const command of COMMANDS) {
    assert.equal((await runMain(['help', command.name])).stdout, `${command.usage}\n`);
    assert.equal((await runMain([command.name, '--help'])).stdout, `${command.usage}\n`);
  }
});

test('an unknown command is named, with what to do, and exits 2', async () => {
  const { status, stdout, stderr } = await runMain(['draw', 'spans.ndjson']);
  assert.equal(status, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^deferred-span: unknown command "draw": the commands are view, list, summary, report and send\. Run `deferred-span --help`/);
});

test('an unknown option is named, with what to do, and exits 2', async () => {
  const { status, stderr } = await runMain(['view', fixture('cli-two-traces.ndjson'), '--colour']);
  assert.equal(status, 2);
  assert.match(stderr, /^deferred-span view: unknown option '--colour'\. Run `deferred-span view --help` for the options\./);
  const before = await runMain(['--colour', 'view']);
  assert.equal(before.status, 2);
  assert.match(before.stderr, /^deferred-span: unknown option "--colour" before the command\. Run `deferred-span --help` for usage\./);
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
    const { status, stderr } = await runMain(args);
    assert.equal(status, 2, args.join(' '));
    assert.match(stderr, message);
  }
});

test('a bug is reported with its stack trace and exit status 70; main resolves rather than throws', async () => {
  let stderr = '';
  const status = await main(['--help'], {
    stdout: { write: () => { throw new Error('stdout is broken'); } },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
  });
  assert.equal(status, 70);
  assert.match(stderr, /^deferred-span: unexpected failure, please report it: Error: stdout is broken\n {4}at /);
});
