// Import cost: how long importing deferred-span (the built dist/, by its package name) takes and
// how much memory it adds, each case in fresh processes, against a bare `node` and against the
// import of OpenTelemetry's SDK and zipkin-js.
//   npm run build && node benchmarks/import.mjs [--runs=20] [--json]
// From code: `await runImportBenchmark({ node, runs })` returns plain data, `importTableMarkdown(results)`
// the table.
//
// How it is measured: each run is a new `process.execPath --input-type=module -e <case>` whose last
// statement writes `process.uptime()` (the time since the process started), `process.cpuUsage()`
// and `process.memoryUsage.rss()`. That is the time until the program could go on with its own
// work, without the spawn itself and without the exit, which a user does not wait for. The cases of one round run one after another, round by round, so a slow stretch
// of the machine hits every case alike; "over bare" is the median of each round's difference to that
// round's bare `node`, with a distribution-free 95% interval of that median. The CPU time (all the
// process's threads) is shown too: on a busy machine it moves less than the time. The wall time
// around each spawn (exit included) is kept in the data.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, medianInterval } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The cases, each the body of an ES module (or a function of `{ collectorUrl }` returning one) run
 * with the project as its working directory, so that 'deferred-span' resolves to this package's
 * `exports` (dist/) as it would for a user.
 */
export const IMPORT_CASES = [
  { key: 'bare', name: 'bare `node`', code: '' },
  { key: 'core', name: "`import { createTracer, memorySink } from 'deferred-span'`", code: "import { createTracer, memorySink } from 'deferred-span';" },
  {
    key: 'coreUsed',
    name: 'the same, a tracer with `memorySink()` created and one span recorded and flushed',
    code: [
      "import { createTracer, memorySink } from 'deferred-span';",
      "const tracer = createTracer({ serviceName: 'import-bench', sink: memorySink() });",
      "tracer.startSpan('one').end();",
      'await tracer.flush();',
    ].join('\n'),
  },
  {
    key: 'zipkinHttp',
    name: 'a tracer with `zipkinHttpSink()` created, one span sent to a local collector and flushed',
    code: ({ collectorUrl }) => [
      "import { createTracer, zipkinHttpSink } from 'deferred-span';",
      `const tracer = createTracer({ serviceName: 'import-bench', sink: zipkinHttpSink({ url: '${collectorUrl}' }) });`,
      "tracer.startSpan('one').end();",
      'await tracer.flush();',
      "if (tracer.stats().sent !== 1) throw new Error('the span was not sent: ' + JSON.stringify(tracer.stats()));",
    ].join('\n'),
  },
  { key: 'all', name: "`import * as all from 'deferred-span'`", code: "import * as all from 'deferred-span'; globalThis.all = all;" },
  { key: 'express', name: "`import { tracing } from 'deferred-span/express'`", code: "import { tracing } from 'deferred-span/express'; globalThis.tracing = tracing;" },
  {
    key: 'otel',
    name: 'OpenTelemetry: `@opentelemetry/sdk-trace-base` + `@opentelemetry/exporter-zipkin`',
    code: "import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'; import { ZipkinExporter } from '@opentelemetry/exporter-zipkin'; globalThis.x = [BasicTracerProvider, ZipkinExporter];",
  },
  { key: 'zipkinJs', name: "zipkin-js: `import zipkin from 'zipkin'`", code: "import zipkin from 'zipkin'; globalThis.x = zipkin;" },
];

// process.uptime(), not performance.now(): the global `performance` loads perf_hooks, which would
// then be counted in bare node too and hide what a case itself loads of it.
const REPORT = ';\nprocess.stdout.write(JSON.stringify({ ms: process.uptime() * 1000, cpu: process.cpuUsage(), rss: process.memoryUsage.rss() }) + "\\n");';

/** Throws unless dist/ is there; warns when a source file is newer than it (run `npm run build`). */
function checkBuilt() {
  const built = join(root, 'dist', 'index.js');
  if (!existsSync(built)) throw new Error('benchmarks/import.mjs measures the built package: run `npm run build` first');
  const builtAt = statSync(built).mtimeMs;
  const newer = readdirSync(join(root, 'src'), { recursive: true }).filter((f) => String(f).endsWith('.ts') && statSync(join(root, 'src', String(f))).mtimeMs > builtAt);
  if (newer.length > 0) process.stderr.write(`import benchmark: src/${newer[0]} is newer than dist/: run \`npm run build\` for current figures\n`);
}

function runOnce(node, code) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(node, ['--input-type=module', '-e', code + REPORT], { cwd: root, encoding: 'utf8' }, (error, stdout, stderr) => {
      const wallMs = performance.now() - started;
      if (error) return reject(new Error(`import benchmark case failed: ${error.message}\n${stderr}`));
      const line = stdout.trim().split('\n').at(-1);
      const { ms, cpu, rss } = JSON.parse(line);
      resolve({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMB: rss / 1e6, wallMs });
    });
  });
}

/**
 * Runs every case `runs` times, each in a fresh process, round by round.
 * Returns plain data: per case its samples, medians and the paired medians over bare `node`.
 */
export async function runImportBenchmark({ node = process.execPath, runs = 20, cases = IMPORT_CASES } = {}) {
  checkBuilt();
  // A collector for the zipkinHttpSink case, in this process: it reads each POST and answers 202.
  const collector = createServer((req, res) => req.resume().on('end', () => res.writeHead(202).end()));
  await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const context = { collectorUrl: `http://127.0.0.1:${collector.address().port}/api/v2/spans` };
  const codes = cases.map((c) => (typeof c.code === 'function' ? c.code(context) : c.code));
  const samples = cases.map(() => []);
  try {
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < cases.length; i++) samples[i].push(await runOnce(node, codes[i]));
    }
  } finally {
    collector.close();
  }
  const bare = samples[cases.findIndex((c) => c.key === 'bare')] ?? samples[0];
  const version = await new Promise((resolve) => execFile(node, ['--version'], (e, out) => resolve(e ? 'unknown' : out.trim())));
  return {
    node: version,
    runs,
    measuredBy: 'process.uptime(), process.cpuUsage() and process.memoryUsage.rss() at the end of each fresh process; over bare = median of per-round differences to bare node',
    target: targetOf(cases, samples, bare),
    cases: cases.map((c, i) => {
      const s = samples[i];
      const overMs = s.map((r, j) => r.ms - bare[j].ms);
      const overRss = s.map((r, j) => r.rssMB - bare[j].rssMB);
      return {
        key: c.key,
        name: c.name,
        medianMs: median(s.map((r) => r.ms)),
        medianCpuMs: median(s.map((r) => r.cpuMs)),
        medianRssMB: median(s.map((r) => r.rssMB)),
        medianWallMs: median(s.map((r) => r.wallMs)),
        overBareMs: median(overMs),
        overBareMsInterval: medianInterval(overMs),
        overBareCpuMs: median(s.map((r, j) => r.cpuMs - bare[j].cpuMs)),
        overBareRssMB: median(overRss),
        overBareWallMs: median(s.map((r, j) => r.wallMs - bare[j].wallMs)),
        samples: s,
      };
    }),
  };
}

/** The goal for the core import, over bare node, and whether this run met it. */
export const IMPORT_TARGET = { key: 'core', ms: 30, rssMB: 20 };

function targetOf(cases, samples, bare) {
  const i = cases.findIndex((c) => c.key === IMPORT_TARGET.key);
  if (i < 0) return undefined;
  const ms = median(samples[i].map((r, j) => r.ms - bare[j].ms));
  const rssMB = median(samples[i].map((r, j) => r.rssMB - bare[j].rssMB));
  return { ...IMPORT_TARGET, met: ms <= IMPORT_TARGET.ms && rssMB <= IMPORT_TARGET.rssMB };
}

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** The results as a markdown table. */
export function importTableMarkdown(results) {
  const lines = [
    `| case (${results.runs} fresh processes each, Node ${results.node}) | ms to ready over bare node (95% CI) | CPU ms over bare | RSS over bare, MB | ms to ready | RSS, MB |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const c of results.cases) {
    const bare = c.key === 'bare';
    const over = bare ? '' : `${fmt(c.overBareMs)} (${fmt(c.overBareMsInterval[0])}–${fmt(c.overBareMsInterval[1])})`;
    lines.push(`| ${c.name} | ${over} | ${bare ? '' : fmt(c.overBareCpuMs)} | ${bare ? '' : fmt(c.overBareRssMB)} | ${fmt(c.medianMs)} | ${fmt(c.medianRssMB)} |`);
  }
  const t = results.target;
  if (t !== undefined) {
    const name = results.cases.find((c) => c.key === t.key)?.name ?? t.key;
    lines.push('', `Target for ${name}: at most ${t.ms} ms and ${t.rssMB} MB over bare node: ${t.met ? 'met' : 'missed'} in this run.`);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, json: { type: 'boolean', default: false } } });
  const results = await runImportBenchmark({ runs: Number(values.runs) });
  process.stdout.write((values.json ? JSON.stringify(results) : importTableMarkdown(results)) + '\n');
}
