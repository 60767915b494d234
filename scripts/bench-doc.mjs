// Regenerates docs/benchmarks.md from a fresh benchmark run, with the machine's description and the
// exact command, so every figure in the README comes from a run anyone can repeat.
//   node scripts/bench-doc.mjs [--quick] [--http]      (arguments are passed to benchmarks/run.mjs)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpInstrumentationFigures, overheadRatio, pairedDifference, renderResults } from '../benchmarks/report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const passThrough = process.argv.slice(2);
const json = join(mkdtempSync(join(os.tmpdir(), 'bench-')), 'results.json');
const keep = join(root, '.cache/bench/latest.json');
const command = ['node', 'benchmarks/run.mjs', ...passThrough].join(' ');

const loadBefore = os.loadavg();
const run = spawnSync(process.execPath, [join(root, 'benchmarks/run.mjs'), ...passThrough, `--json=${json}`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (run.status !== 0) process.exit(run.status ?? 1);
const loadAfter = os.loadavg();
const results = JSON.parse(readFileSync(json, 'utf8'));
// The raw samples too (not committed: .cache/ is ignored), for the README's figures and for checking.
mkdirSync(dirname(keep), { recursive: true });
writeFileSync(keep, JSON.stringify(results));

const cpus = os.cpus();
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const tsxVersion = JSON.parse(readFileSync(join(root, 'node_modules/tsx/package.json'), 'utf8')).version;
const versions = ['zipkin', '@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-zipkin', '@opentelemetry/context-async-hooks', '@opentelemetry/instrumentation-undici', '@opentelemetry/instrumentation-http', 'zipkin-instrumentation-fetch']
  .map((p) => `${p} ${JSON.parse(readFileSync(join(root, 'node_modules', p, 'package.json'), 'utf8')).version}`)
  .join(', ');

// Headline figures: the 100-concurrent-siblings cell with the quick workload, the fan-out this library is for.
const core = results.groups.find((g) => g.group === 'core');
const cell = (w, s) => core?.cells.find((c) => c.workload === w && c.shape === s);
const fan = cell('async () => 1', '100 concurrent');
const seq = cell('async () => 1', 'sequential');
const DS = 'deferred-span sampled';
const headline = [];
if (fan && seq) {
  const over = (c, name) => pairedDifference(c, name, c.baseline);
  headline.push(
    `| figure (median of per-round paired values) | 100 concurrent siblings | sequential awaits |`,
    `| --- | ---: | ---: |`,
    `| sampled span, encoding included, ns over the bare call | ${fmt(over(fan, DS))} | ${fmt(over(seq, DS))} |`,
    `| … as a fraction of the naive recorder's cost (target ≤ 0.5) | ${fmt(overheadRatio(fan, DS, 'naive recorder'), 2)} | ${fmt(overheadRatio(seq, DS, 'naive recorder'), 2)} |`,
    `| OpenTelemetry's cost ÷ ours (target ≥ 4) | ${fmt(overheadRatio(fan, 'OpenTelemetry explicit parent', DS), 1)} | ${fmt(overheadRatio(seq, 'OpenTelemetry explicit parent', DS), 1)} |`,
    `| zipkin-js's cost ÷ ours (target ≥ 5) | ${fmt(overheadRatio(fan, 'zipkin-js', DS), 1)} | ${fmt(overheadRatio(seq, 'zipkin-js', DS), 1)} |`,
    `| unsampled call, ns over the bare call (target ≤ 50) | ${fmt(over(fan, 'deferred-span unsampled'))} | ${fmt(over(seq, 'deferred-span unsampled'))} |`,
    `| the bare call against itself, ns (noise control: a difference this size means nothing) | ${fmt(over(fan, 'bare again (noise control)'))} | ${fmt(over(seq, 'bare again (noise control)'))} |`,
  );
  const als = results.groups.find((g) => g.group === 'als');
  const alsCell = (sh) => als?.cells.find((c) => c.workload === 'async () => 1' && c.shape === sh);
  if (als) headline.push(`| OpenTelemetry with AsyncLocalStorage ÷ ours, own process (target ≥ 4) | ${fmt(overheadRatio(alsCell('100 concurrent'), 'OpenTelemetry AsyncLocalStorage', DS), 1)} | ${fmt(overheadRatio(alsCell('sequential'), 'OpenTelemetry AsyncLocalStorage', DS), 1)} |`);
  const orph = results.groups.find((g) => g.group === 'orphans');
  const orphCell = (sh) => orph?.cells.find((c) => c.workload === 'async () => 1' && c.shape === sh);
  const ON = 'deferred-span sampled, orphan tracking on';
  const OFF = 'deferred-span sampled, orphan tracking off';
  if (orph) headline.push(`| cost of \`trackOrphans: true\` per sampled span, ns (on − off) | ${fmt(pairedDifference(orphCell('100 concurrent'), ON, OFF))} | ${fmt(pairedDifference(orphCell('sequential'), ON, OFF))} |`);
  if (results.memory) {
    const m = results.memory.inFlight;
    headline.push(`| bytes per span in flight over the bare call (target ≤ 300) | ${fmt(m[DS].overBare)} | |`);
    const t = m['deferred-span sampled, trackOrphans'];
    if (t) headline.push(`| … with \`trackOrphans: true\` | ${fmt(t.overBare)} | |`);
    headline.push(`| heap growth over ${fmt(results.memory.growth.calls)} sampled calls | ${fmt(results.memory.growth.growthBytes / 1024)} KiB | |`);
  }
  if (results.eventLoop) {
    const e = results.eventLoop.longestBlockMillis;
    headline.push(`| longest event-loop block for a ${fmt(results.eventLoop.calls)}-span burst, ms (untraced ${fmt(e.untraced, 1)}): memory / NDJSON file / HTTP sink | ${fmt(e.memorySink, 1)} / ${fmt(e.ndjsonFileSink, 1)} / ${fmt(e.zipkinHttpSink, 1)} | |`);
  }
  if (results.http) headline.push(`| HTTP sink to a local Zipkin: CPU per span sent, µs; highest offered rate held with 0 dropped, spans/s | ${fmt(results.http.cpuPerSpanNs / 1000, 1)} µs | ${fmt(Math.max(0, ...results.http.sustained.filter((r) => r.ok).map((r) => r.rate)))}/s |`);
}
// HTTP instrumentation: its concurrent figures in the first column, its sequential ones in the second.
const hi = results.httpInstrumentation;
if (hi) {
  if (headline.length === 0) headline.push(`| figure (median of per-round paired values) | concurrent | sequential |`, `| --- | ---: | ---: |`);
  const f = (side, shape) => httpInstrumentationFigures(hi, side, shape)?.alternatives ?? {};
  const pct = (side, shape, name) => `${fmt(f(side, shape)[name]?.percentOfBare, 1)} %`;
  const ratio = (side, shape, name) => fmt(f(side, shape)[name]?.ratioToOurs, 1);
  const bare = (side, shape) => fmt((httpInstrumentationFigures(hi, side, shape)?.bareNs ?? NaN) / 1000, 0);
  const both = (g) => `${g('concurrent')} | ${g('sequential')}`;
  const C = 'deferred-span span.fetch';
  const S = 'deferred-span tracer.httpHandler';
  headline.push(
    `| \`span.fetch\` CPU over a bare loopback \`fetch\`, % (target < 3 %); ${hi.concurrency} concurrent / sequential requests (a bare request's own CPU: ${bare('client', 'concurrent')} / ${bare('client', 'sequential')} µs) | ${both((sh) => pct('client', sh, C))} |`,
    `| … OpenTelemetry (instrumentation-undici) ÷ ours (target ≥ 4) | ${both((sh) => ratio('client', sh, 'OpenTelemetry instrumentation-undici'))} |`,
    `| \`tracer.httpHandler\` CPU over a bare \`http.createServer\` handler, % (target < 3 %); ${hi.concurrency} concurrent / sequential requests (a bare request's own CPU: ${bare('server', 'concurrent')} / ${bare('server', 'sequential')} µs) | ${both((sh) => pct('server', sh, S))} |`,
    `| … OpenTelemetry (instrumentation-http) ÷ ours (target ≥ 4) | ${both((sh) => ratio('server', sh, 'OpenTelemetry instrumentation-http'))} |`,
  );
}

const doc = `# Benchmarks

Generated by \`${['node scripts/bench-doc.mjs', ...passThrough].join(' ')}\` on ${results.startedAt} (finished ${results.finishedAt}).
Do not edit by hand: run the script again.

## Machine

- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} logical cores
- Memory: ${fmt(os.totalmem() / 2 ** 30, 1)} GiB
- OS: ${os.type()} ${os.release()} (${os.arch()})
- Node.js ${process.version}, tsx ${tsxVersion}; ${versions}
- Load average (1, 5, 15 min) before the run: ${loadBefore.map((x) => x.toFixed(2)).join(', ')}; after: ${loadAfter.map((x) => x.toFixed(2)).join(', ')}.
  A load above the core count means other processes shared the CPUs: absolute times then stretch,
  and only the ratios within one interleaved round are meaningful.

## How it is measured

Command: \`${command}\` (\`npm run bench\`). Each group runs in its own process, because
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

## Headline

${headline.join('\n')}

## Results

${renderResults(results)}
`;
writeFileSync(join(root, 'docs/benchmarks.md'), doc.replace(/\n{3,}/g, '\n\n'));
process.stdout.write(`wrote docs/benchmarks.md\n`);
