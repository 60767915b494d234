// A batch job: `map` sends each item to one of a few local workers (real HTTP servers on
// loopback), at most --concurrency requests at once, one CLIENT span per item under the job, and
// the workers record the SERVER side of the same spans. A progress line shows on a terminal.
//
//   npx tsx examples/batch-job.ts [--items N] [--concurrency C] [--workers W] [--chunk-size K] [--out FILE]
//   npm run example:batch -- --items 100000 --concurrency 64
//
// Spans go to Zipkin when OTEL_EXPORTER_ZIPKIN_ENDPOINT is set, else to an NDJSON file. Ctrl-C
// stops scheduling: the requests in flight finish and the job span records the abort.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createTracer,
  extractB3,
  ndjsonFileSink,
  progressLine,
  zipkinHttpSink,
  type Sink,
} from '../src/index.js';

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`batch-job: --${name}: expected a positive integer, like ${fallback}; got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    items: { type: 'string' },
    concurrency: { type: 'string' },
    workers: { type: 'string' },
    'chunk-size': { type: 'string' },
    out: { type: 'string' },
  },
});
const items = positiveInt('items', values.items, 5000);
const concurrency = positiveInt('concurrency', values.concurrency, 16);
const workerCount = positiveInt('workers', values.workers, 4);
const chunkSize = positiveInt('chunk-size', values['chunk-size'], 1000);
const zipkinUrl = process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
const out = values.out ?? join(tmpdir(), 'deferred-span', 'batch-job.ndjson');

// One sink for the job and the workers: they run in one process here, though they are two services.
const sink: Sink = zipkinUrl ? zipkinHttpSink() : ndjsonFileSink(out);
const jobTracer = createTracer({ serviceName: 'batch-job', sink });
const workerTracer = createTracer({ serviceName: 'worker', sink });

/** A worker: joins the caller's span, "processes" the item for 1-5 ms, fails about 1 item in 200. */
function startWorker(): Promise<Server> {
  const server = createServer((req, res) => {
    const span = workerTracer.startSpan('process item', { kind: 'SERVER', parent: extractB3(req.headers), join: true });
    const item = Number(new URL(req.url ?? '/', 'http://worker').searchParams.get('item'));
    setTimeout(() => {
      const ok = item % 200 !== 199;
      res.statusCode = ok ? 200 : 500;
      span.tag('http.status_code', res.statusCode);
      res.on('finish', () => (ok ? span.end() : span.fail(`item ${item} could not be processed`)));
      res.end(JSON.stringify({ item, ok }));
    }, 1 + Math.random() * 4);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const workers = await Promise.all(Array.from({ length: workerCount }, startWorker));
const ports = workers.map((w) => (w.address() as AddressInfo).port);

/** The items, made one at a time as `map` asks for them: a million cost no more memory than ten. */
function* itemIds(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

// First Ctrl-C: stop scheduling and let the requests in flight finish. A second one ends the process.
const controller = new AbortController();
process.once('SIGINT', () => {
  controller.abort(new Error('interrupted (Ctrl-C)'));
  process.once('SIGINT', () => process.exit(130));
});

const progress = progressLine({ label: 'items' });
let note = '';
let jobTraceId: string | undefined;
try {
  const summary = await jobTracer.map(
    itemIds(items),
    async (span, item, index) => {
      const port = ports[index % ports.length]!;
      span.setRemoteEndpoint({ serviceName: 'worker', ipv4: '127.0.0.1', port });
      const res = await fetch(`http://127.0.0.1:${port}/process?item=${item}`, { method: 'POST', headers: span.b3Headers() });
      span.tag('http.status_code', res.status);
      const body = (await res.json()) as { ok: boolean };
      if (!res.ok) throw new Error(`worker on port ${port} answered ${res.status} for item ${item}`);
      return body.ok;
    },
    {
      name: 'batch job',
      itemName: 'process item',
      itemKind: 'CLIENT',
      concurrency,
      mode: 'settle', // a failed item is recorded and counted; the job goes on
      results: false, // keep counts only: memory stays flat however many items there are
      chunkSize,
      total: items,
      signal: controller.signal,
      onProgress: progress.update,
      tags: { 'job.items': String(items) },
    },
  );
  jobTraceId = summary.job.traceId;
} catch (error) {
  note = error instanceof Error ? error.message : String(error);
  process.exitCode = 1;
} finally {
  progress.finish(note);
}

await workerTracer.flush();
const delivered = await jobTracer.close();
await Promise.all(workers.map((w) => new Promise((resolve) => w.close(resolve))));

if (jobTraceId !== undefined) console.log(`job trace ${jobTraceId}; each chunk of ${chunkSize} items is its own trace, tagged job.trace_id=${jobTraceId}`);
if (zipkinUrl) {
  console.log(`spans sent to ${zipkinUrl}${delivered.complete ? '' : ` (${delivered.pending} not delivered)`}`);
} else {
  console.log(`spans appended to ${out}`);
  console.log(`latency per span name: npx tsx src/cli/main.ts summary ${out}`);
}
