// The Kafka sink against a real local broker, beside the HTTP sink to a loopback collector that
// discards what it gets:
//   - CPU per span sent (recording included): `process.cpuUsage()` of this process (every thread:
//     kafkajs's gzip runs on libuv's pool) from the first span recorded until the sink's flush
//     resolved, ÷ spans sent. The collector is a process of its own; the broker is a JVM of its own.
//   - spans/s held with 0 dropped: each offered rate for `--seconds`, in ticks of 10 ms; held when
//     nothing was dropped and the last span was sent within 500 ms of the last tick.
//   - latency: a span's end to its first appearance in Zipkin's API (GET /api/v2/trace/{id}, polled
//     every 10 ms) through Kafka and Zipkin's Kafka collector, with the default flushIntervalMillis
//     (1000) and with 50; the HTTP sink to the same Zipkin beside it.
//   node --import tsx benchmarks/kafka.mjs --bootstrap=127.0.0.1:9092 --zipkin=http://127.0.0.1:9411 [--quick] [--markdown]
// The throughput spans go to a topic of its own (created and deleted here), the latency samples to
// `zipkin`, which the Zipkin must consume (scripts/zipkin.sh with KAFKA_BOOTSTRAP_SERVERS;
// scripts/kafka.sh starts the broker). Prints one line of JSON (runKafkaBenchmark's result), or
// kafkaMarkdown(result) with --markdown. Spans are the seed's client span: a remote endpoint, two
// tags, two annotations.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { median } from './stats.mjs';

const COLLECTOR = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(202); res.end(); }); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startCollector() {
  const child = spawn(process.execPath, ['-e', COLLECTOR], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('error', reject);
  });
  return { url: `http://127.0.0.1:${port}/api/v2/spans`, stop: () => child.kill() };
}

async function library() {
  const lib = await import('../src/index.ts');
  const { kafkaSink } = await import('../src/deliver/kafka.ts');
  return { ...lib, kafkaSink };
}

/** One seed client span. */
function seedSpan(tracer, parent, i) {
  const span = tracer.startSpan('get fragment', { kind: 'CLIENT', parent });
  span.setRemoteEndpoint({ serviceName: 'object-server', ipv4: '127.0.0.1', port: 9000 + (i & 3) });
  span.tag('http.path', `/fragments/${i}`);
  span.tag('http.status_code', 200);
  span.annotate('ws');
  span.annotate('wr');
  span.end();
  return span;
}

const progress = (m) => process.stderr.write(`kafka bench: ${m}\n`);

const dropped = (s) => s.dropped.queueFull + s.dropped.rejected + s.dropped.expired + s.dropped.sinkFailed;

/** CPU µs per span sent for `spans` spans recorded as fast as the loop allows (yielding every 1000). */
async function cpuSample(lib, makeSink, spans) {
  const tracer = lib.createTracer({ serviceName: 'bench', sink: makeSink(), warnings: false });
  // Connected (and kafkajs loaded) before the clock starts: start-up is not per-span cost.
  seedSpan(tracer, undefined, 0);
  await tracer.flush({ timeoutMillis: 30_000 });
  const before = tracer.stats().sent;
  const root = tracer.startSpan('root');
  const cpu = process.cpuUsage();
  for (let i = 0; i < spans; i++) {
    seedSpan(tracer, root, i);
    if ((i & 1023) === 1023) await new Promise((r) => setImmediate(r));
  }
  await tracer.flush({ timeoutMillis: 60_000 });
  const used = process.cpuUsage(cpu);
  const s = tracer.stats();
  await tracer.close({ timeoutMillis: 10_000 });
  const sent = s.sent - before;
  return { micros: (used.user + used.system) / sent, sent, dropped: dropped(s) };
}

/** Offers `rate` spans/s for `seconds`; held when nothing was dropped and the last was sent within 500 ms. */
async function rateSample(lib, makeSink, rate, seconds) {
  const tracer = lib.createTracer({ serviceName: 'bench', sink: makeSink(), warnings: false });
  seedSpan(tracer, undefined, 0);
  await tracer.flush({ timeoutMillis: 30_000 });
  const root = tracer.startSpan('root');
  const perTick = Math.round(rate / 100);
  const ticks = Math.round(seconds * 100);
  const start = performance.now();
  let n = 0;
  for (let t = 0; t < ticks; t++) {
    for (let i = 0; i < perTick; i++) seedSpan(tracer, root, n++);
    const next = start + (t + 1) * 10;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  const offeredFor = performance.now() - start;
  const ended = performance.now();
  const complete = await tracer.flushWithin?.(500) ?? (await tracer.flush({ timeoutMillis: 500 }), tracer.stats().queued + tracer.stats().inFlight === 0);
  const drainMillis = performance.now() - ended;
  const s = tracer.stats();
  await tracer.close({ timeoutMillis: 30_000 });
  const behind = offeredFor > seconds * 1000 * 1.2; // the loop itself could not offer the rate
  return { rate, held: complete && dropped(s) === 0 && !behind, dropped: dropped(s), drainMillis: Math.round(drainMillis), offeredMillis: Math.round(offeredFor) };
}

/** End of a span to its appearance in Zipkin's API, `samples` spans 100 ms apart, each a trace of its own. */
async function latencySamples(lib, makeSink, zipkin, samples) {
  const tracer = lib.createTracer({ serviceName: 'bench-latency', sink: makeSink(), warnings: false });
  const waits = [];
  for (let i = 0; i < samples; i++) {
    const span = tracer.startSpan('latency', { kind: 'PRODUCER' });
    const ended = performance.now();
    span.end();
    const id = span.context.traceId;
    waits.push((async () => {
      const deadline = ended + 30_000;
      while (performance.now() < deadline) {
        const res = await fetch(`${zipkin}/api/v2/trace/${id}`);
        const text = await res.text();
        if (res.status === 200 && text.includes(span.context.spanId)) return performance.now() - ended;
        await new Promise((r) => setTimeout(r, 10));
      }
      return Infinity;
    })());
    await new Promise((r) => setTimeout(r, 100));
  }
  const millis = (await Promise.all(waits)).sort((a, b) => a - b);
  await tracer.close({ timeoutMillis: 10_000 });
  const at = (q) => millis[Math.min(millis.length - 1, Math.ceil(q * millis.length) - 1)];
  return { samples, median: Math.round(median(millis)), p99: Math.round(at(0.99)) };
}

/**
 * Runs every measurement; resolves to plain data for kafkaMarkdown.
 * @param {{ bootstrap: string, zipkin: string, quick?: boolean }} options
 */
export async function runKafkaBenchmark({ bootstrap, zipkin, quick = false }) {
  const lib = await library();
  const collector = await startCollector();
  const brokers = [bootstrap];
  // The throughput spans go to a topic of their own: Zipkin reads only the latency samples (`zipkin`).
  const topic = `bench-spans-${process.pid}`;
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  const sinks = {
    'kafka json gzip': () => lib.kafkaSink({ brokers, topic }),
    'kafka json none': () => lib.kafkaSink({ brokers, topic, compression: 'none' }),
    'kafka proto3 gzip': () => lib.kafkaSink({ brokers, topic, encoding: 'proto3' }),
    'http json (loopback discard collector)': () => lib.zipkinHttpSink({ url: collector.url }),
  };
  const spans = quick ? 20_000 : 100_000;
  const rounds = quick ? 3 : 5;
  try {
    const cpu = {};
    for (const name of Object.keys(sinks)) cpu[name] = [];
    for (const name of Object.keys(sinks)) await cpuSample(lib, sinks[name], 5000); // warm-up
    for (let r = 0; r < rounds; r++) {
      const names = Object.keys(sinks);
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + r) % names.length];
        cpu[name].push(await cpuSample(lib, sinks[name], spans));
        progress(`cpu ${name}: ${cpu[name].at(-1).micros.toFixed(2)} µs/span`);
      }
    }
    const rates = quick ? [20_000, 50_000, 100_000] : [20_000, 50_000, 100_000, 150_000, 200_000];
    const held = {};
    for (const name of ['kafka json gzip', 'kafka json none', 'http json (loopback discard collector)']) {
      held[name] = [];
      for (const rate of rates) {
        held[name].push(await rateSample(lib, sinks[name], rate, quick ? 1 : 2));
        progress(`rate ${name}: ${JSON.stringify(held[name].at(-1))}`);
      }
    }
    const samples = quick ? 20 : 100;
    const latency = {
      'kafka json gzip, flushIntervalMillis 1000 (default)': await latencySamples(lib, () => lib.kafkaSink({ brokers }), zipkin, samples),
      'kafka json gzip, flushIntervalMillis 50': await latencySamples(lib, () => lib.kafkaSink({ brokers, flushIntervalMillis: 50 }), zipkin, samples),
      'http json, flushIntervalMillis 50': await latencySamples(lib, () => lib.zipkinHttpSink({ url: `${zipkin}/api/v2/spans`, flushIntervalMillis: 50 }), zipkin, samples),
    };
    return {
      node: process.version,
      spans,
      rounds,
      cpu: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, { micros: median(v.map((x) => x.micros)), min: Math.min(...v.map((x) => x.micros)), max: Math.max(...v.map((x) => x.micros)), dropped: v.reduce((a, x) => a + x.dropped, 0) }])),
      held: Object.fromEntries(Object.entries(held).map(([k, v]) => [k, { highest: Math.max(0, ...v.filter((x) => x.held).map((x) => x.rate)), samples: v }])),
      latency,
    };
  } finally {
    collector.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

const fmt = (n) => n.toLocaleString('en-US');

/** The result as the Kafka section of docs/benchmarks.md. */
export function kafkaMarkdown(result) {
  const lines = [
    `Node ${result.node}, a local Kafka 4.1.1 broker (scripts/kafka.sh: one KRaft node, 256 MB heap) and Zipkin 3.6.1 reading it, on the same 2 cores; ` +
      'the seed client span (remote endpoint, 2 tags, 2 annotations); `node --import tsx benchmarks/kafka.mjs`.',
    '',
    `CPU per span sent, recording included (median of ${result.rounds} rounds of ${fmt(result.spans)} spans, min–max):`,
    '',
    '| sink | µs per span | min–max | dropped |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(result.cpu).map(([k, v]) => `| ${k} | ${v.micros.toFixed(2)} | ${v.min.toFixed(2)}–${v.max.toFixed(2)} | ${v.dropped} |`),
    '',
    'Highest offered rate held with 0 dropped (the last span sent within 500 ms of the last tick):',
    '',
    '| sink | spans/s held | rates tried (held ✓) |',
    '| --- | ---: | --- |',
    ...Object.entries(result.held).map(([k, v]) => `| ${k} | ${v.highest === 0 ? 'none tried' : fmt(v.highest)} | ${v.samples.map((x) => `${fmt(x.rate)} ${x.held ? '✓' : `✗ (${x.dropped} dropped, drained in ${x.drainMillis} ms)`}`).join(', ')} |`),
    '',
    "A span's end to its appearance in Zipkin's API (`GET /api/v2/trace/{id}`, polled every 10 ms):",
    '',
    '| path | samples | median ms | p99 ms |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(result.latency).map(([k, v]) => `| ${k} | ${v.samples} | ${fmt(v.median)} | ${fmt(v.p99)} |`),
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const { values } = parseArgs({ options: { bootstrap: { type: 'string' }, zipkin: { type: 'string' }, quick: { type: 'boolean' }, markdown: { type: 'boolean' } } });
  if (!values.bootstrap || !values.zipkin) {
    console.error('usage: node --import tsx benchmarks/kafka.mjs --bootstrap=host:port --zipkin=http://host:port [--quick] [--markdown]');
    process.exit(2);
  }
  const result = await runKafkaBenchmark({ bootstrap: values.bootstrap, zipkin: values.zipkin.replace(/\/+$/, ''), quick: values.quick });
  console.log(values.markdown ? kafkaMarkdown(result) : JSON.stringify(result));
}
