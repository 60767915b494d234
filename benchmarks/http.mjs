// The HTTP sink against a real local Zipkin server: CPU per span sent, and the highest offered rate
// sustained with nothing dropped. `node --import tsx benchmarks/http.mjs --url=http://127.0.0.1:9411`
// (run.mjs --http starts and stops the server with scripts/zipkin.sh).
import { parseArgs } from 'node:util';
import { createTracer, zipkinHttpSink } from '../src/index.ts';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    calls: { type: 'string', default: '200000' },
    seconds: { type: 'string', default: '3' },
    rates: { type: 'string', default: '10000,25000,50000,100000,200000' },
  },
});
if (!args.url) throw new Error('--url=<Zipkin base URL> is required');
const base = args.url.replace(/\/$/, '');
const spansUrl = base + '/api/v2/spans';
const N = Number(args.calls);
const work = async () => 1;

const cpuMicros = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

async function concurrent(call, n) {
  const batch = new Array(100);
  for (let i = 0; i < n; i += 100) {
    for (let j = 0; j < 100; j++) batch[j] = call();
    await Promise.all(batch);
  }
}

function tracerFor() {
  const sink = zipkinHttpSink({ url: spansUrl, warnings: false });
  const tracer = createTracer({ serviceName: 'bench-http', sink, warnings: false });
  const root = tracer.startSpan('root');
  const call = tracer.traced(work, { name: 'get fragment', kind: 'CLIENT', parent: root });
  return { tracer, root, call };
}

function assertNoLoss(stats, created, what) {
  const d = stats.dropped;
  const dropped = d.queueFull + d.rejected + d.expired + d.sinkFailed;
  if (dropped !== 0 || stats.sent !== created) {
    throw new Error(`${what}: ${stats.sent} sent of ${created}, ${dropped} dropped ${JSON.stringify(d)} ${stats.lastError ?? ''}`);
  }
}

// Warm-up (JIT, connections).
{
  const t = tracerFor();
  await concurrent(t.call, 50_000);
  await t.tracer.flush({ timeoutMillis: 60_000 });
  assertNoLoss(t.tracer.stats(), 50_000, 'warm-up');
  await t.tracer.close();
}

// CPU per span: the same calls bare and traced into the HTTP sink, flushed to the server.
const cpu = { bare: [], traced: [] };
for (let round = 0; round < 3; round++) {
  let c0 = cpuMicros();
  await concurrent(work, N);
  cpu.bare.push(cpuMicros() - c0);
  const t = tracerFor();
  c0 = cpuMicros();
  // In bursts the sink's queue (100,000 spans) can hold, each flushed to the server.
  for (let done = 0; done < N; done += 50_000) {
    await concurrent(t.call, Math.min(50_000, N - done));
    await t.tracer.flush({ timeoutMillis: 60_000 });
  }
  cpu.traced.push(cpuMicros() - c0);
  assertNoLoss(t.tracer.stats(), N, 'cpu round');
  await t.tracer.close();
}
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const cpuPerSpanNs = ((median(cpu.traced) - median(cpu.bare)) / N) * 1000;

// Correctness against the server: one small trace read back.
{
  const t = tracerFor();
  await concurrent(t.call, 100);
  await t.tracer.flush({ timeoutMillis: 30_000 });
  const traceId = t.root.context.traceId;
  let found = 0;
  for (let i = 0; i < 50 && found < 100; i++) {
    const res = await fetch(`${base}/api/v2/trace/${traceId}`);
    found = res.ok ? (await res.json()).filter((s) => s.parentId === t.root.context.spanId).length : 0;
    if (found < 100) await new Promise((r) => setTimeout(r, 100));
  }
  if (found !== 100) throw new Error(`the server holds ${found} of the 100 spans of trace ${traceId}`);
  await t.tracer.close();
}

// Sustained rate: calls offered at a steady rate for a few seconds; it holds if nothing is dropped
// and everything is delivered within a second of the end.
const seconds = Number(args.seconds);
const sustained = [];
for (const rate of args.rates.split(',').map(Number)) {
  const t = tracerFor();
  const t0 = performance.now();
  let issued = 0;
  const inflight = new Set();
  while (performance.now() - t0 < seconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    while (issued < due) {
      const p = t.call();
      inflight.add(p);
      void p.then(() => inflight.delete(p));
      issued++;
    }
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(inflight);
  const offeredSeconds = (performance.now() - t0) / 1000;
  const f0 = performance.now();
  await t.tracer.flush({ timeoutMillis: 30_000 });
  const drainMillis = performance.now() - f0;
  const s = t.tracer.stats();
  const d = s.dropped;
  const dropped = d.queueFull + d.rejected + d.expired + d.sinkFailed;
  const ok = dropped === 0 && s.sent === issued && drainMillis < 1000;
  sustained.push({ rate, issued, achieved: Math.round(issued / offeredSeconds), sent: s.sent, dropped, drainMillis: Math.round(drainMillis), ok });
  await t.tracer.close({ timeoutMillis: 30_000 });
  if (!ok) break;
}
process.stdout.write(JSON.stringify({ calls: N, cpuPerSpanNs, cpu, sustained }) + '\n');
