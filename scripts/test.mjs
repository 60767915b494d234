#!/usr/bin/env node
// `npm test`: type-check, lint, start a real Zipkin (when Java is available), run every
// test/**/*.test.ts with Node's test runner, and always stop Zipkin again.
//
//   npm test                                   everything
//   npm test -- test/foo.test.ts               only that file (checks and Zipkin still run)
//   npm test -- --test-name-pattern=b3         extra options go to `node --test`
//
// Environment:
//   DEFERRED_SPAN_REQUIRE_ZIPKIN=1   fail instead of skipping the Zipkin integration tests (CI sets this)
//   DEFERRED_SPAN_SKIP_ZIPKIN=1      don't start Zipkin; its integration tests are skipped
//   ZIPKIN_URL=http://...            use this already-running Zipkin instead of starting one
//   DEFERRED_SPAN_TEST_CONCURRENCY   test files run at once (default: CPUs - 1, at least 1, at most 4)
//
// The test runner's output is forwarded unchanged and nothing is printed after it, so its
// closing summary (`# pass N` / `# fail N`) is the last thing on the screen.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, constants as osConstants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const zipkinScript = path.join(root, 'scripts', 'zipkin.sh');
const zipkinJar = path.join(root, '.cache', 'zipkin', 'zipkin-server-3.6.1-exec.jar');
const zipkinRunBase = path.join(root, '.cache', 'zipkin', 'run');
const zipkinRunDir = path.join(zipkinRunBase, `test-${process.pid}`);
const requireZipkin = process.env.DEFERRED_SPAN_REQUIRE_ZIPKIN === '1';
const skipZipkin = process.env.DEFERRED_SPAN_SKIP_ZIPKIN === '1';
const requireFromRoot = createRequire(path.join(root, 'package.json'));

/** Children that must be signalled if we are interrupted. */
const children = new Set();
let zipkinStarted = false;
let finishing = false;

function say(message) {
  process.stderr.write(`[npm test] ${message}\n`);
}

function fail(message, code = 1) {
  say(`FAILED: ${message}`);
  return finish(code);
}

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Path of a package's bin script, resolved from this project's node_modules. */
function binOf(pkg, name) {
  const manifestPath = requireFromRoot.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[name];
  if (!rel) throw new Error(`${pkg} has no "${name}" bin`);
  return path.join(path.dirname(manifestPath), rel);
}

/**
 * Runs a command. stdio 'inherit' forwards output unchanged (and the child shares our process
 * group, so a terminal Ctrl-C reaches it directly); 'capture' collects the output and runs the
 * child in its own process group, so it and everything it started (mvn, java) can be killed together.
 * Resolves to { code, stdout, stderr }; code is 128+n if the child died of a signal.
 */
function run(cmd, args, { stdio = 'inherit', env = process.env } = {}) {
  return new Promise((resolve) => {
    const inherit = stdio === 'inherit';
    const child = spawn(cmd, args, {
      cwd: root,
      env,
      stdio: inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
      detached: !inherit,
    });
    child.ownGroup = !inherit;
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', (err) => {
      children.delete(child);
      resolve({ code: 127, stdout, stderr: `${stderr}${err.message}\n` });
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      const signo = signal ? (osConstants.signals[signal] ?? 15) : 0;
      resolve({ code: code ?? 128 + signo, stdout, stderr });
    });
  });
}

function zipkinEnv() {
  return { ...process.env, ZIPKIN_RUN_DIR: zipkinRunDir, ZIPKIN_OWNER_PID: String(process.pid) };
}

/** Stops the Zipkin we started. Quiet unless something goes wrong. */
async function stopZipkin({ keepLog }) {
  if (!zipkinStarted) return;
  zipkinStarted = false;
  const res = await run('bash', [zipkinScript, 'stop'], { stdio: 'capture', env: zipkinEnv() });
  if (res.code !== 0) {
    say(`warning: stopping Zipkin failed (exit ${res.code}):\n${res.stderr}`);
    return;
  }
  if (!keepLog) rmSync(zipkinRunDir, { recursive: true, force: true });
}

/** Removes run directories of earlier `npm test` processes that are gone (e.g. killed with SIGKILL). */
async function cleanStaleRunDirs() {
  let entries;
  try {
    entries = readdirSync(zipkinRunBase);
  } catch {
    return;
  }
  for (const name of entries) {
    const m = /^test-(\d+)$/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
      continue; // still running: another `npm test` in this tree
    } catch (err) {
      if (err.code === 'EPERM') continue;
    }
    const dir = path.join(zipkinRunBase, name);
    await run('bash', [zipkinScript, 'stop'], { stdio: 'capture', env: { ...process.env, ZIPKIN_RUN_DIR: dir } });
    rmSync(dir, { recursive: true, force: true });
  }
}

async function finish(code, { keepLog = code !== 0 } = {}) {
  if (finishing) return;
  finishing = true;
  await stopZipkin({ keepLog });
  process.exit(code);
}

/** Signals every running child (a whole process group for 'capture' children). */
function killChildren(sig) {
  for (const child of children) {
    try {
      if (child.ownGroup) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  }
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (finishing) return;
    say(`${sig} received; stopping`);
    killChildren(sig);
    void finish(128 + (osConstants.signals[sig] ?? 15));
  });
}

function javaMajorVersion(text) {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/**
 * Decides whether we can run Zipkin and makes sure its jar is there (Maven download on a fresh
 * machine). Resolves to { url } (an external ZIPKIN_URL), { start: true }, { skip: reason } or
 * { error: message }.
 */
async function prepareZipkin() {
  if (process.env.ZIPKIN_URL) {
    const url = process.env.ZIPKIN_URL.replace(/\/+$/, '');
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
      if (res.status !== 200) return { error: `ZIPKIN_URL=${url} answered /health with ${res.status}` };
    } catch (err) {
      return { error: `ZIPKIN_URL=${url} is not reachable: ${err.message}` };
    }
    return { url, external: true };
  }
  if (skipZipkin) return { skip: 'DEFERRED_SPAN_SKIP_ZIPKIN=1 is set' };
  if (!onPath('java')) return { skip: 'java is not installed' };
  const version = await run('java', ['-version'], { stdio: 'capture' });
  const major = javaMajorVersion(version.stderr + version.stdout);
  if (version.code !== 0 || major === undefined) return { skip: 'could not determine the Java version (`java -version` failed)' };
  if (major < 17) return { skip: `Zipkin 3 needs Java 17+, but java is version ${major}` };
  if (!existsSync(zipkinJar) && !onPath('mvn')) {
    return { skip: 'the Zipkin server jar is not in .cache/zipkin/ and mvn (Maven) is not installed to fetch it' };
  }
  const fetched = await run('bash', [zipkinScript, 'fetch'], { stdio: 'capture', env: zipkinEnv() });
  if (fetched.code !== 0) return { error: `scripts/zipkin.sh fetch failed:\n${fetched.stderr}${fetched.stdout}` };
  return { start: true };
}

/** Starts our private Zipkin. Resolves to { url } or { error: message }. */
async function startZipkin() {
  zipkinStarted = true; // from here on, always run `stop`
  const started = await run('bash', [zipkinScript, 'start'], { stdio: 'capture', env: zipkinEnv() });
  const url = started.stdout.trim().split('\n').pop() ?? '';
  if (started.code !== 0 || !/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
    return { error: `scripts/zipkin.sh start failed (exit ${started.code}):\n${started.stderr}${started.stdout}` };
  }
  say(started.stderr.trim().replace(/^zipkin\.sh: /, ''));
  return { url };
}

function findTestFiles() {
  const dir = path.join(root, 'test');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join('/'))
    .filter((f) => !f.split('/').includes('node_modules'))
    .sort();
}

/** Node test-runner options that take their value as the next argument. */
const OPTIONS_WITH_VALUE = new Set([
  '--test-name-pattern', '--test-reporter', '--test-reporter-destination', '--test-concurrency',
  '--test-timeout', '--test-shard', '--import', '--require', '-r', '--conditions', '-C',
]);

function splitArgs(args) {
  const options = [];
  const files = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('-')) {
      options.push(arg);
      if (OPTIONS_WITH_VALUE.has(arg) && i + 1 < args.length) options.push(args[++i]);
    } else {
      files.push(arg);
    }
  }
  return { options, files };
}

async function main() {
  const { options, files: requested } = splitArgs(process.argv.slice(2));
  const files = requested.length > 0 ? requested : findTestFiles();
  if (files.length === 0) return fail('no test files found (expected test/**/*.test.ts)');
  for (const f of requested) {
    if (!existsSync(path.resolve(root, f))) return fail(`no such test file: ${f}`);
  }

  await cleanStaleRunDirs();

  // Checking for Java and fetching the jar (a Maven download on a fresh machine) overlaps with
  // type-checking and linting. The JVM itself starts only once those pass: on a 2-core machine
  // booting it alongside tsc/eslint gained nothing measurable.
  const prepared = prepareZipkin().catch((err) => ({ error: err instanceof Error ? err.message : String(err) }));

  say('type-check: tsc -p tsconfig.json --noEmit');
  const tsc = await run(process.execPath, [binOf('typescript', 'tsc'), '-p', 'tsconfig.json', '--noEmit']);
  if (tsc.code !== 0) {
    killChildren('SIGTERM'); // e.g. a Maven download still running
    await prepared;
    return fail(`type-check failed (tsc exit ${tsc.code})`);
  }

  say('lint: eslint .');
  const lint = await run(process.execPath, [binOf('eslint', 'eslint'), '.']);
  if (lint.code !== 0) {
    killChildren('SIGTERM');
    await prepared;
    return fail(`lint failed (eslint exit ${lint.code})`);
  }

  let z = await prepared;
  if (z.external) say(`using the Zipkin at ZIPKIN_URL=${z.url} (not starting one)`);
  if (z.start) {
    say('starting Zipkin: scripts/zipkin.sh start');
    z = await startZipkin();
  }
  const testEnv = { ...process.env };
  delete testEnv.ZIPKIN_URL;
  if (z.error) return fail(`no Zipkin server for the integration tests: ${z.error}`);
  if (z.url) {
    testEnv.ZIPKIN_URL = z.url;
    say(`Zipkin integration tests will use ZIPKIN_URL=${z.url}`);
  } else if (requireZipkin) {
    return fail(
      `DEFERRED_SPAN_REQUIRE_ZIPKIN=1 but no Zipkin server can be started: ${z.skip}.\n` +
        '  Install Java 17+ and Maven (the server jar is fetched into .cache/zipkin/ on first use).',
    );
  } else {
    say(
      `NOTICE: the Zipkin integration tests will be SKIPPED: ${z.skip}.\n` +
        '  To run them, install Java 17+ and Maven (the Zipkin server jar is then fetched into .cache/zipkin/\n' +
        '  on first use), or point ZIPKIN_URL at a running Zipkin. Set DEFERRED_SPAN_REQUIRE_ZIPKIN=1 to make\n' +
        '  a missing Zipkin an error instead.',
    );
  }

  const concurrency = Number(process.env.DEFERRED_SPAN_TEST_CONCURRENCY) ||
    Math.max(1, Math.min(4, availableParallelism() - 1));
  const has = (flag) => options.some((o) => o === flag || o.startsWith(`${flag}=`));
  const nodeArgs = ['--import', 'tsx', '--test'];
  if (!has('--test-concurrency')) nodeArgs.push(`--test-concurrency=${concurrency}`);
  // A safety net so a hung test cannot hang CI forever; individual tests may set their own timeout.
  if (!has('--test-timeout')) nodeArgs.push('--test-timeout=600000');
  nodeArgs.push(...options, ...files);

  say(`tests: node ${nodeArgs.join(' ')}`);
  const tests = await run(process.execPath, nodeArgs, { env: testEnv });
  // Nothing may be printed from here on: the runner's summary must stay last.
  return finish(tests.code);
}

main().catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
