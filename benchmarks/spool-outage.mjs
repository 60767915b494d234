// A soak of the disk spool: spans recorded at a steady rate (default 5,000/s) to a loopback
// collector that is down for an outage, then comes back. Reports spans dropped, the heap after GC
// over time, the spool's size on disk, and how long after the collector's return everything was
// delivered. The figure: a 10-minute outage with a 1 GiB spool, 0 dropped, flat heap, all
// delivered within a minute.
//   node --expose-gc --import tsx benchmarks/spool-outage.mjs [--seconds=20] [--minutes=10] [--rate=5000] [--always] [--max-bytes=1073741824]
// Prints one line of JSON.
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTracer, zipkinHttpSink } from '../src/index.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    minutes: { type: 'string' },
    rate: { type: 'string', default: '5000' },
    always: { type: 'boolean', default: false },
    'max-bytes': { type: 'string', default: String(1024 ** 3) },
    after: { type: 'string', default: '5' },
  },
});
const outageMillis = values.minutes === undefined ? Number(values.seconds) * 1000 : Number(values.minutes) * 60_000;
const rate = Number(values.rate);
const gc = globalThis.gc ?? (() => {});
if (globalThis.gc === undefined) console.error('run with --expose-gc for heap-after-GC figures');

/** A collector that discards, counting spans by counting `"id":` in each body (no parse: it must keep up). */
async function collector() {
  let spans = 0;
  const server = http.createServer((req, res) => {
    let n = 0;
    let tail = '';
    req.setEncoding('latin1');
    req.on('data', (d) => {
      const text = tail + d;
      n += text.split('"id":').length - 1;
      tail = text.slice(-5);
    });
    req.on('end', () => {
      spans += n;
      res.writeHead(202).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return {
    port,
    spans: () => spans,
    start: async () => {
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const spoolBytes = (dir) => readdirSync(dir).filter((f) => f.endsWith('.seg')).reduce((a, f) => a + statSync(join(dir, f)).size, 0);
const mib = (b) => Math.round((b / 1024 / 1024) * 10) / 10;

const dir = mkdtempSync(join(tmpdir(), 'spool-outage-'));
const c = await collector();
const sink = zipkinHttpSink({
  url: `http://127.0.0.1:${c.port}/api/v2/spans`,
  spool: { dir, maxBytes: Number(values['max-bytes']), always: values.always },
  warnings: false,
});
const tracer = createTracer({ serviceName: 'spool-outage', sink, warnings: false });

let ended = 0;
const perTick = Math.max(1, Math.round(rate / 100));
const recorder = setInterval(() => {
  for (let i = 0; i < perTick; i++) {
    const span = tracer.startSpan('outage-work', { tags: { 'job.step': 'soak', n: ended } });
    span.end();
    ended++;
  }
}, 10);

const heap = [];
const sample = (phase) => {
  gc();
  const s = sink.stats();
  heap.push({ t: Math.round((performance.now() - t0) / 1000), phase, heapMiB: mib(process.memoryUsage().heapUsed), spoolMiB: mib(spoolBytes(dir)), queued: s.queued });
};
const t0 = performance.now();
const sampler = setInterval(() => sample('outage'), Math.max(1000, outageMillis / 20));
await new Promise((resolve) => setTimeout(resolve, outageMillis));
clearInterval(sampler);
sample('outage end');

const backAt = performance.now();
await c.start();
// Recording goes on for --after seconds after the return; then every span ended must be delivered.
const after = Number(values.after) * 1000;
await new Promise((resolve) => setTimeout(resolve, after));
clearInterval(recorder);
let deliveredAt;
for (;;) {
  const s = sink.stats();
  if (s.sent + Object.values(s.dropped).reduce((a, b) => a + b, 0) >= ended) {
    deliveredAt = performance.now();
    break;
  }
  if (performance.now() - backAt > 300_000) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
sample('delivered');
await tracer.close();
await c.stop();
const s = sink.stats();
console.log(JSON.stringify({
  outageSeconds: outageMillis / 1000,
  rate,
  always: values.always,
  ended,
  sent: s.sent,
  collectorSpans: c.spans(),
  dropped: s.dropped,
  spooled: s.spooled,
  deliveredSecondsAfterReturn: deliveredAt === undefined ? null : Math.round((deliveredAt - backAt) / 100) / 10,
  heapAfterGc: heap,
}));
rmSync(dir, { recursive: true, force: true });
