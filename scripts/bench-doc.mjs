// Regenerates docs/benchmarks.md from fresh benchmark runs, one per Node version, with the
// machine's description and the exact commands, so every figure in the README comes from a run
// anyone can repeat. The headline table puts the versions side by side (default Node 20 and 24).
//   node scripts/bench-doc.mjs [--nodes=20,24] [--no-build] [--quick] [--http] [other benchmarks/run.mjs options]
// --nodes: the majors, each run with `benchmarks/run.mjs --node=<major>` (binaries other than the
// running Node's are fetched through npm into .cache/node/ by scripts/node-versions.mjs, before
// anything is measured); the versions run one after the other, never at once.
// The package is built first (`npm run build`) for the import group; --no-build skips that.
// The other arguments are passed to benchmarks/run.mjs. About 4 minutes per version with --http.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { endToEndTargets, httpInstrumentationFigures, overheadRatio, pairedDifference, renderResults } from '../benchmarks/report.mjs';
import { parseMajor, resolveNode } from './node-versions.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const nodesArg = argv.find((a) => a.startsWith('--nodes='));
const majors = (nodesArg ? nodesArg.slice('--nodes='.length) : '20,24').split(',').filter(Boolean).map(parseMajor);
const build = !argv.includes('--no-build');
const passThrough = argv.filter((a) => !a.startsWith('--nodes=') && a !== '--no-build' && !a.startsWith('--node=') && !a.startsWith('--json='));
const tmp = mkdtempSync(join(os.tmpdir(), 'bench-'));
const keepDir = join(root, '.cache/bench');
const say = (m) => process.stderr.write(`bench-doc: ${m}\n`);

if (build) {
  say('npm run build (the import group measures the built package)');
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

// Every binary first, so that no download overlaps a measurement.
const nodes = [];
for (const major of majors) nodes.push(await resolveNode(major, { log: say }));

const runs = [];
for (const target of nodes) {
  const json = join(tmp, `results-${target.major}.json`);
  const args = [join(root, 'benchmarks/run.mjs'), ...passThrough, `--node=${target.major}`, `--json=${json}`];
  say(`Node v${target.version}: node ${args.map((a) => a.replace(`${root}/`, '')).join(' ')}`);
  const loadBefore = os.loadavg();
  const run = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const loadAfter = os.loadavg();
  const results = JSON.parse(readFileSync(json, 'utf8'));
  runs.push({ target, results, loadBefore, loadAfter, command: ['node benchmarks/run.mjs', ...passThrough, `--node=${target.major}`].join(' ') });
  // The raw samples too (not committed: .cache/ is ignored), for the README's figures and for checking.
  mkdirSync(keepDir, { recursive: true });
  writeFileSync(join(keepDir, `latest-node${target.major}.json`), JSON.stringify(results));
}
writeFileSync(join(keepDir, 'latest.json'), JSON.stringify({ nodes: runs.map((r) => r.results) }));

const cpus = os.cpus();
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const tsxVersion = JSON.parse(readFileSync(join(root, 'node_modules/tsx/package.json'), 'utf8')).version;
const versions = ['zipkin', '@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-zipkin', '@opentelemetry/context-async-hooks', '@opentelemetry/instrumentation-undici', '@opentelemetry/instrumentation-http', 'zipkin-instrumentation-fetch']
  .map((p) => `${p} ${JSON.parse(readFileSync(join(root, 'node_modules', p, 'package.json'), 'utf8')).version}`)
  .join(', ');
const DS = 'deferred-span sampled';

/**
 * The headline figures of one run as rows { label, cells: [concurrent, sequential] }: for the
 * traced-call figures the 100-concurrent-siblings and sequential cells of the quick workload (the
 * fan-out this library is for), for HTTP instrumentation its concurrent and sequential requests;
 * a figure that has no shape is in the first cell, or in both with its unit, as the label says.
 * No label holds a `|`: it would split the table's cell.
 */
function headlineRows(results) {
  const rows = [];
  const row = (label, a, b = '') => rows.push({ label, cells: [a, b] });
  const cellOf = (group, shape) => results.groups.find((g) => g.group === group)?.cells.find((c) => c.workload === 'async () => 1' && c.shape === shape);
  const fan = cellOf('core', '100 concurrent');
  const seq = cellOf('core', 'sequential');
  const both = (f) => [f(fan), f(seq)];
  const over = (c, name) => pairedDifference(c, name, c.baseline);
  if (fan && seq) {
    row('sampled span, encoding included, ns over the bare call', ...both((c) => fmt(over(c, DS))));
    row("… as a fraction of the naive recorder's cost (target ≤ 0.5)", ...both((c) => fmt(overheadRatio(c, DS, 'naive recorder'), 2)));
    row("OpenTelemetry's cost ÷ ours (target ≥ 4)", ...both((c) => fmt(overheadRatio(c, 'OpenTelemetry explicit parent', DS), 1)));
    row("zipkin-js's cost ÷ ours (target ≥ 5)", ...both((c) => fmt(overheadRatio(c, 'zipkin-js', DS), 1)));
    row('unsampled call, ns over the bare call (target ≤ 50)', ...both((c) => fmt(over(c, 'deferred-span unsampled'))));
    row('the bare call against itself, ns (noise control: a difference this size means nothing)', ...both((c) => fmt(over(c, 'bare again (noise control)'))));
  }
  const alsFan = cellOf('als', '100 concurrent');
  const alsSeq = cellOf('als', 'sequential');
  if (alsFan && alsSeq) {
    const als = (f) => [f(alsFan), f(alsSeq)];
    row('OpenTelemetry with AsyncLocalStorage ÷ ours, own process (target ≥ 4)', ...als((c) => fmt(overheadRatio(c, 'OpenTelemetry AsyncLocalStorage', DS), 1)));
    row('… ns over the bare call in that process: OpenTelemetry with AsyncLocalStorage / ours', ...als((c) => `${fmt(over(c, 'OpenTelemetry AsyncLocalStorage'))} / ${fmt(over(c, DS))}`));
  }
  const orphFan = cellOf('orphans', '100 concurrent');
  const orphSeq = cellOf('orphans', 'sequential');
  const ON = 'deferred-span sampled, orphan tracking on';
  const OFF = 'deferred-span sampled, orphan tracking off';
  if (orphFan && orphSeq) row('cost of `trackOrphans: true` per sampled span, ns (on − off)', fmt(pairedDifference(orphFan, ON, OFF)), fmt(pairedDifference(orphSeq, ON, OFF)));
  if (results.memory) {
    const m = results.memory.inFlight;
    row('bytes per span in flight over the bare call (target ≤ 300)', fmt(m[DS].overBare));
    const t = m['deferred-span sampled, trackOrphans'];
    if (t) row('… with `trackOrphans: true`', fmt(t.overBare));
    row(`heap growth over ${fmt(results.memory.growth.calls)} sampled calls, KiB`, fmt(results.memory.growth.growthBytes / 1024));
  }
  if (results.eventLoop) {
    const e = results.eventLoop.longestBlockMillis;
    row(`longest event-loop block for a ${fmt(results.eventLoop.calls)}-span burst, ms: untraced / memory / NDJSON file / HTTP sink`, `${fmt(e.untraced, 1)} / ${fmt(e.memorySink, 1)} / ${fmt(e.ndjsonFileSink, 1)} / ${fmt(e.zipkinHttpSink, 1)}`);
  }
  if (results.http) {
    row('HTTP sink to a local Zipkin: CPU per span sent, and the highest offered rate held with 0 dropped', `${fmt(results.http.cpuPerSpanNs / 1000, 1)} µs`, `${fmt(Math.max(0, ...results.http.sustained.filter((r) => r.ok).map((r) => r.rate)))}/s`);
  }
  if (results.endToEnd) {
    for (const [label, v] of endToEndTargets(results.endToEnd)) row(`end to end, ${label}`, fmt(v, 2));
  }
  if (results.endToEndZipkin) {
    for (const [label, v] of endToEndTargets(results.endToEndZipkin)) row(`end to end to a real Zipkin, ${label}`, fmt(v, 2));
  }
  if (results.cli?.speedup !== undefined) row(`\`deferred-span summary\` spans per second ÷ commit ${results.cli.baseline}'s (target ≥ 1.8)`, fmt(results.cli.speedup, 2));
  const hi = results.httpInstrumentation;
  if (hi) {
    const f = (side, shape) => httpInstrumentationFigures(hi, side, shape);
    const shapes = (g) => [g('concurrent'), g('sequential')];
    const pct = (side, name) => shapes((sh) => `${fmt(f(side, sh)?.alternatives?.[name]?.percentOfBare, 1)} %`);
    const ratio = (side, name) => shapes((sh) => fmt(f(side, sh)?.alternatives?.[name]?.ratioToOurs, 1));
    const bare = (side) => shapes((sh) => fmt((f(side, sh)?.bareNs ?? NaN) / 1000, 0));
    row(`a bare loopback \`fetch\`'s own CPU per request, µs (${hi.concurrency} concurrent / sequential requests)`, ...bare('client'));
    row('`span.fetch` CPU over a bare loopback `fetch`, % (target < 3 %)', ...pct('client', 'deferred-span span.fetch'));
    row('… OpenTelemetry (instrumentation-undici) ÷ ours (target ≥ 4)', ...ratio('client', 'OpenTelemetry instrumentation-undici'));
    row(`a bare \`http.createServer\` handler's own CPU per request, µs (${hi.concurrency} concurrent / sequential requests)`, ...bare('server'));
    row('`tracer.httpHandler` CPU over a bare `http.createServer` handler, % (target < 3 %)', ...pct('server', 'deferred-span tracer.httpHandler'));
    row('… OpenTelemetry (instrumentation-http) ÷ ours (target ≥ 4)', ...ratio('server', 'OpenTelemetry instrumentation-http'));
  }
  const imp = results.import;
  if (imp) {
    const c = (key) => imp.cases.find((x) => x.key === key);
    const cost = (key) => (c(key) ? [`${fmt(c(key).overBareMs, 1)} ms`, `${fmt(c(key).overBareRssMB, 1)} MB`] : ['n/a', 'n/a']);
    row("`import { createTracer, memorySink } from 'deferred-span'`, over a bare `node`: time until ready, and RSS", ...cost('core'));
    row("… `import * from 'deferred-span'`", ...cost('all'));
    row('… for comparison: OpenTelemetry SDK + Zipkin exporter', ...cost('otel'));
    row('… for comparison: zipkin-js', ...cost('zipkinJs'));
  }
  return rows;
}

// One table, the versions side by side: the union of their rows, in order.
const perVersion = runs.map((r) => new Map(headlineRows(r.results).map((row) => [row.label, row.cells])));
const labels = [];
for (const m of perVersion) for (const label of m.keys()) if (!labels.includes(label)) labels.push(label);
const versionName = (r) => `Node ${r.target.major}`;
const headline = [
  `| figure (median of per-round paired values) | ${runs.map((r) => `${versionName(r)}: concurrent | ${versionName(r)}: sequential`).join(' | ')} |`,
  `| --- |${runs.map(() => ' ---: | ---: |').join('')}`,
  ...labels.map((label) => `| ${label} | ${perVersion.map((m) => (m.get(label) ?? ['', '']).join(' | ')).join(' | ')} |`),
];
const nodeList = runs.map((r) => `v${r.target.version}${r.target.source === 'current' ? ' (the Node that ran the script)' : ` (the official binary, npm package node-${process.platform}-${process.arch}@${r.target.version}, in .cache/node/${r.target.major}/)`}`).join(', ');
const loads = runs.map((r) => `Node ${r.target.major}: ${r.loadBefore.map((x) => x.toFixed(2)).join(', ')} before, ${r.loadAfter.map((x) => x.toFixed(2)).join(', ')} after`).join('; ');
const first = runs[0].results;
const core = first.groups.find((g) => g.group === 'core');
const startedAt = runs[0].results.startedAt;
const finishedAt = runs.at(-1).results.finishedAt;

const doc = `# Benchmarks

Generated by \`${['node scripts/bench-doc.mjs', ...argv].join(' ')}\` on ${startedAt} (finished ${finishedAt}).
Do not edit by hand: run the script again.

## Machine

- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} logical cores
- Memory: ${fmt(os.totalmem() / 2 ** 30, 1)} GiB
- OS: ${os.type()} ${os.release()} (${os.arch()})
- Node.js ${nodeList}
- tsx ${tsxVersion}; ${versions}
- Load average (1, 5, 15 min) around each version's run: ${loads}.
  A load above the core count means other processes shared the CPUs: absolute times then stretch,
  and only the ratios within one interleaved round are meaningful.

## How it is measured

Commands: ${runs.map((r) => `\`${r.command}\``).join(', then ')} (\`npm run bench -- --node <major>\`). Every
Node version runs the same benchmarks, one version after the other, never two at once; each process of
a run (the groups, their children) is that version's \`node\`. Node 24 backs AsyncLocalStorage with
AsyncContextFrame where Node 20 uses async_hooks, which is what the OpenTelemetry AsyncLocalStorage
figures of the two versions compare.

Each group runs in its own process, because
AsyncLocalStorage (OpenTelemetry's context manager) slows every promise of the process once installed;
each group has its own bare baseline. Within a group the scenarios are interleaved round by round (the
order rotates each round), each sample is ${fmt(core?.calls ?? NaN)} calls, after ${fmt(core?.warmupCalls ?? NaN)}
warm-up calls per scenario for the JIT. Figures are medians over rounds; a ratio is computed within each
round (paired) and then its median taken. No forced GC between samples: it throws away the JIT's work.

Every sample checks correctness: exactly one span per call arrived at the scenario's destination, each
with the root span as its parent, and the last encoded batch parses as JSON; a run that fails a check
stops with an error.

Scenarios, each wrapping the same workload function:

- **bare**: the workload called directly.
- **bare again (noise control)**: the same, as a second scenario. Its difference from **bare** is what
  a cell's noise alone produces; each cell reports it with a 95% interval, and a target the interval
  of the measured figure still reaches is marked "not resolved" rather than met or missed.
- **deferred-span sampled**: \`tracer.traced(work, { name, kind: 'CLIENT', parent: root })\`, into a sink
  that encodes each batch with \`encodeSpansBytes\` (the UTF-8 bytes the HTTP and file sinks send) and
  discards them. Open-span list on (the default), \`trackOrphans\` off (the default). The other
  scenarios stop at a flat string and are not charged for turning it into bytes, which their socket
  write would do: that leans the comparison against this library, not for it.
- **deferred-span unsampled**: the same with \`sampleRate: 0\`.
- **naive recorder** (benchmarks/naive-recorder.mjs): cheap IDs from \`Math.random\` (so that its one \`JSON.stringify\` per span is most of its cost), parent captured at
  call time, one \`JSON.stringify\` per span, batches joined per event-loop turn: the floor reference.
- **zipkin-js**: the body of zipkin-instrumentation-fetch around the workload (Tracer, ExplicitContext
  with \`letId(root)\` around each call, HttpClient instrumentation, BatchRecorder, JSON v2 encoding
  into a logger that batches like HttpLogger and discards). It records more than the others
  (http.path, status code, remote service), as its instrumentation does.
- **OpenTelemetry explicit parent**: BasicTracerProvider, BatchSpanProcessor (queue raised so nothing
  is dropped), \`startSpan(name, { kind: CLIENT }, parentContext)\`, exporting through the Zipkin
  exporter's own transform and \`JSON.stringify\` into a discarding exporter.
- **OpenTelemetry AsyncLocalStorage** (group \`als\`): the same with \`startActiveSpan\` and the
  AsyncLocalStorageContextManager, the parent taken from the active context.
- Group \`orphans\`: deferred-span sampled with \`trackOrphans: true\` and \`false\`.

Workloads: \`async () => 1\`, and one that yields to the event loop (\`setImmediate\`). Shapes: sequential
awaits, and 100 concurrent siblings (\`Promise.all\` of 100 calls, repeated).

HTTP instrumentation (benchmarks/http-instrumentation.mjs): the CPU tracing adds to one loopback HTTP
request, as process CPU (\`process.cpuUsage()\`, user + system, span delivery flushed inside the window)
per request, minus the bare request of the same round. Every alternative runs in a process of its own
(OpenTelemetry's instrumentations patch globally), all alive at once, asked in turn for one sample, the
order rotating each round; the other end of each request is another process, not counted. Each sample
counts its spans (exactly one per request, with the expected parent and kind) and checks what the last
batch records.

- Client side, \`fetch\` to a loopback server: bare \`fetch\`; **\`span.fetch\`** (the seed's CLIENT span:
  method, path, URL and status tags, \`ws\`/\`wr\` annotations, remote endpoint) into the encoding,
  discarding sink; OpenTelemetry's **instrumentation-undici** (BasicTracerProvider, BatchSpanProcessor,
  the Zipkin exporter's transform and \`JSON.stringify\` into a discarding exporter,
  AsyncLocalStorageContextManager, B3 propagation, a parent span active); **zipkin-instrumentation-fetch**
  (\`wrapFetch\`, a zipkin Tracer with ExplicitContext and \`letId(parent)\` around each call, BatchRecorder
  into a JSON v2 logger that discards). Also bare \`fetch\` in a process that made one traced request
  first (deferred-span's wire subscription then idle), and bare \`fetch\` again as a noise control.
- Server side, load from another process (requests carrying B3 headers): a bare \`http.createServer\`
  handler; **\`tracer.httpHandler\`** (a SERVER span joining the client's); OpenTelemetry's
  **instrumentation-http** (the same SDK setup).

Import cost (benchmarks/import.mjs): fresh processes of the version's \`node\`, each importing the built
package by its name (\`dist/\`, built by \`npm run build\` first) and reporting the time since the process
started and its RSS; the cases of one round run one after another, and a figure is the median of each
round's difference from a bare \`node\` of that round, against OpenTelemetry's SDK and zipkin-js.

## Headline

"Concurrent" is 100 concurrent siblings for the traced-call figures and ${runs[0].results.httpInstrumentation?.concurrency ?? 16} concurrent requests
for the HTTP instrumentation; a figure without the two shapes is in the first column of its version, or
in both as the figure's label says, each with its unit.

${headline.join('\n')}

${runs.map((r) => `## Results on Node.js v${r.target.version}\n\n${renderResults(r.results)}`).join('\n\n')}
`;
writeFileSync(join(root, 'docs/benchmarks.md'), doc.replace(/\n{3,}/g, '\n\n'));
process.stdout.write(`wrote docs/benchmarks.md\n`);
