#!/usr/bin/env node
// Counts, in each program of docs/seed-comparison, the lines marked `// tracing`, and writes
// docs/seed-comparison/line-counts.md: the table for the README, and the marked lines themselves.
//
//   node docs/seed-comparison/count-lines.mjs
//
// The "what it records" columns are not measured here: they are what
// test/seed-comparison-programs-record-the-seed-trace.test.ts asserts of each program's real run.
import { readFileSync, writeFileSync } from 'node:fs';

const here = new URL('.', import.meta.url);

/** A line marked for tracing: `… // tracing`, `… // tracing, transport stand-in` or `… // tracing: why`. */
const MARK = /\s*\/\/ tracing(?:[,:] (.+))?$/;
const STAND_IN = 'transport stand-in';

const programs = [
  {
    file: 'deferred-span.ts',
    library: 'deferred-span',
    shared: 'yes (`shared: true`, the CLIENT span\'s IDs)',
    siblings: 'yes: the parent is the span passed to the handler, never looked up',
    trace: '9 spans: proxy SERVER, 4 CLIENT, 4 shared SERVER',
    error: '`http.status_code`; `error: 503` on the CLIENT and SERVER span',
    headers: '`ws` and `wr`, by `span.fetch`',
  },
  {
    file: 'opentelemetry.ts',
    library: 'OpenTelemetry',
    shared: 'no: each object server records a child SERVER span',
    siblings: 'yes: AsyncLocalStorage carries the SERVER span across awaits',
    trace: '10 spans: the program\'s own fetch of /object (every fetch in the process is traced) as root, proxy SERVER, 4 CLIENT, 4 child SERVER',
    error: '`http.response.status_code`; `otel.status_code: ERROR` and `error.type: 503`, no `error` tag',
    headers: '`wr`, an event added by undici\'s `responseHook`',
  },
  {
    file: 'zipkin-js.ts',
    library: 'zipkin-js',
    shared: 'yes (`shared: true`, the CLIENT span\'s IDs)',
    siblings: 'yes here, as all 4 fetches start before the handler\'s first `await`; a fetch after an `await` starts a new trace (ExplicitContext)',
    trace: '9 spans: proxy SERVER, 4 CLIENT, 4 shared SERVER; 64-bit trace ID',
    error: '`http.status_code`; `error: 503` on the CLIENT and SERVER span',
    headers: 'none: wrapFetch gives no handle on its span, which ends at the response headers (`cr`)',
  },
];

function count(file) {
  const text = readFileSync(new URL(file, here), 'utf8');
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const marked = lines.filter((l) => MARK.test(l));
  const standIn = marked.filter((l) => l.match(MARK)[1] === STAND_IN);
  // Code: not blank, not only a comment; a marked line (a @ts-expect-error directive) is code.
  const code = lines.filter((l) => l.trim() !== '' && (!l.trim().startsWith('//') || MARK.test(l)));
  return { total: lines.length, code: code.length, tracing: marked.length, standIn: standIn.length, marked: marked.map((l) => l.replace(MARK, '')) };
}

const rows = programs.map((p) => ({ ...p, ...count(p.file) }));
const cell = (s) => String(s).replace(/\|/g, '\\|');
const tracingCell = (r) => (r.standIn > 0 ? `${r.tracing} (${r.standIn} of them a stand-in transport)` : `${r.tracing}`);

const zipkinJs = rows.find((r) => r.library === 'zipkin-js');
const out = [
  '# The seed scenario traced three ways: line counts',
  '',
  '<!-- Written by `node docs/seed-comparison/count-lines.mjs`; edit the programs or the script, not this file. -->',
  '',
  'Each program is the whole seed scenario in one process, on loopback: a storage proxy (an HTTP server) answers `GET /object` by',
  'reading 4 erasure-coded fragments concurrently with `fetch` from 4 object servers (HTTP servers), B3 headers propagated;',
  'object server 3 answers 503, so one fragment read fails and the 3 others suffice. The code that is not tracing is the same',
  'in all three. A tracing line is one marked `// tracing`: it exists only for tracing (imports, setup, instrumentation, span',
  'work) or is written differently for it (a wrapped handler, a traced fetch, an import); the closing brackets of a wrapped',
  'handler are not counted. Code lines are the lines that are neither blank nor only a comment.',
  '',
  '| Library | Tracing lines | Code lines | Total lines | Shared server span | Siblings correct under concurrency | Trace of one GET /object | Status, and error when `!ok` | Annotation when the response headers arrive |',
  '|---|---:|---:|---:|---|---|---|---|---|',
  ...rows.map((r) =>
    `| [${r.library}](${r.file}) | ${cell(tracingCell(r))} | ${r.code} | ${r.total} | ${cell(r.shared)} | ${cell(r.siblings)} | ${cell(r.trace)} | ${cell(r.error)} | ${cell(r.headers)} |`,
  ),
  '',
  'The last five columns are what `test/seed-comparison-programs-record-the-seed-trace.test.ts` asserts of each program\'s real',
  'run against a fake Zipkin collector. Notes:',
  '',
  `- **zipkin-js**: zipkin-transport-http is not installed in this repository and zipkin has no HTTP logger of its own, so ${zipkinJs.standIn}`,
  '  of its tracing lines are a small logger that stands in for it (collect the JSON v2 spans, POST them once at the end); with',
  '  zipkin-transport-http they would be an import and `new HttpLogger({ endpoint, jsonEncoder: JSON_V2 })`. zipkin has no',
  '  `node:http` server instrumentation either: the program\'s `traced(tracer, handler)` does what zipkin-instrumentation-express',
  '  does, with `Instrumentation.HttpServer`.',
  '- **zipkin-js and concurrency**: with `ExplicitContext`, the context zipkin-js\'s examples use, the current span is known only',
  '  while code runs synchronously. The seed\'s proxy starts its 4 fetches before its first `await`, so they come out right; a',
  '  fetch started after an `await` in the same handler is the root of a trace of its own',
  '  (`test/seed-comparison-zipkin-js-explicit-context-after-await.test.ts`). Async-aware contexts (zipkin-context-cls) are',
  '  separate packages, not installed here.',
  '- **OpenTelemetry**: it has no shared span, so the object servers record child SERVER spans. One tracer provider serves the',
  '  whole process, so the proxy and the object servers share one service name (`storage`); in production they are separate',
  '  processes. In ESM the instrumentations patch `node:http` through a loader hook: the program registers it and imports',
  '  `node:http` afterwards. Its error spans carry `otel.status_code: ERROR`, not the `error` tag Zipkin looks for. Each fetch',
  '  span ends when the body has arrived, as deferred-span\'s do.',
  '- **deferred-span** delivers its last spans when the process ends on its own: there is no flush call.',
  '',
  '## The tracing lines',
  '',
  ...rows.flatMap((r) => [`### ${r.library} (${r.tracing})`, '', '```ts', ...r.marked, '```', '']),
];

writeFileSync(new URL('line-counts.md', here), out.join('\n'));
for (const r of rows) console.log(`${r.library.padEnd(14)} tracing ${String(r.tracing).padStart(3)}${r.standIn > 0 ? ` (${r.standIn} stand-in)` : ''}  code ${String(r.code).padStart(3)}  total ${String(r.total).padStart(3)}`);
console.log(`wrote ${new URL('line-counts.md', here).pathname}`);
