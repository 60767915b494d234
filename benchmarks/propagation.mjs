// What propagation costs: writing a span's headers (B3 alone, B3 + W3C, W3C alone) and reading a
// context from headers (b3 single, B3 multi, traceparent, traceparent + tracestate), in ns per call.
//   node --import tsx benchmarks/propagation.mjs [--rounds=15] [--calls=200000]
// Alternatives run interleaved, round by round, in one process; a figure is the median over rounds
// of ns per call, and a ratio the median of the per-round ratios. Prints one JSON line.
import { parseArgs } from 'node:util';
import { median, medianInterval } from './stats.mjs';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, calls: { type: 'string', default: '200000' } } });
const ROUNDS = Number(args.rounds);
const CALLS = Number(args.calls);
const { createTracer, extractB3, extractW3C, memorySink } = await import('../src/index.ts');

const tracers = {
  b3: createTracer({ serviceName: 'bench', sink: memorySink(), warnings: false }),
  both: createTracer({ serviceName: 'bench', sink: memorySink(), warnings: false, propagation: ['b3', 'w3c'] }),
  w3c: createTracer({ serviceName: 'bench', sink: memorySink(), warnings: false, propagation: ['w3c'] }),
};
const parent = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true, debug: false };
const spans = Object.fromEntries(Object.entries(tracers).map(([k, t]) => [k, t.startSpan('call', { kind: 'CLIENT', parent })]));
const incoming = {
  b3Single: { host: '127.0.0.1:8080', accept: '*/*', b3: '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1-05e3ac9a4f6e3b90' },
  b3Multi: { host: '127.0.0.1:8080', accept: '*/*', 'x-b3-traceid': '4bf92f3577b34da6a3ce929d0e0e4736', 'x-b3-spanid': '00f067aa0ba902b7', 'x-b3-parentspanid': '05e3ac9a4f6e3b90', 'x-b3-sampled': '1' },
  traceparent: { host: '127.0.0.1:8080', accept: '*/*', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  traceparentState: { host: '127.0.0.1:8080', accept: '*/*', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' },
};

let sink = 0;
const alternatives = {
  'span.b3Headers()': () => (sink += Object.keys(spans.b3.b3Headers()).length),
  "span.headers(), ['b3']": () => (sink += Object.keys(spans.b3.headers()).length),
  "span.headers(), ['b3', 'w3c']": () => (sink += Object.keys(spans.both.headers()).length),
  "span.headers(), ['w3c']": () => (sink += Object.keys(spans.w3c.headers()).length),
  'extractB3, b3 single header': () => (sink += extractB3(incoming.b3Single) === undefined ? 0 : 1),
  'extractB3, B3 multi headers': () => (sink += extractB3(incoming.b3Multi) === undefined ? 0 : 1),
  'extractW3C, traceparent': () => (sink += extractW3C(incoming.traceparent) === undefined ? 0 : 1),
  'extractW3C, traceparent + tracestate': () => (sink += extractW3C(incoming.traceparentState) === undefined ? 0 : 1),
  "tracer.extract ['b3', 'w3c'], traceparent only": () => (sink += tracers.both.extract(incoming.traceparent) === undefined ? 0 : 1),
};

const samples = Object.fromEntries(Object.keys(alternatives).map((k) => [k, []]));
for (const fn of Object.values(alternatives)) for (let i = 0; i < CALLS; i++) fn();
const names = Object.keys(alternatives);
for (let r = 0; r < ROUNDS; r++) {
  const order = [...names.slice(r % names.length), ...names.slice(0, r % names.length)];
  for (const name of order) {
    const fn = alternatives[name];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) fn();
    samples[name].push(Number(process.hrtime.bigint() - t0) / CALLS);
  }
}
const ratio = (a, b) => median(samples[a].map((x, i) => x / samples[b][i]));
const result = {
  rounds: ROUNDS,
  calls: CALLS,
  ns: Object.fromEntries(names.map((n) => [n, { median: median(samples[n]), interval: medianInterval(samples[n]) }])),
  ratios: {
    "headers ['b3','w3c'] ÷ b3Headers() (target ≤ 2)": ratio("span.headers(), ['b3', 'w3c']", 'span.b3Headers()'),
    'extractW3C traceparent ÷ extractB3 b3 single (target ≤ 1)': ratio('extractW3C, traceparent', 'extractB3, b3 single header'),
    'extractW3C traceparent ÷ extractB3 multi (target ≤ 1)': ratio('extractW3C, traceparent', 'extractB3, B3 multi headers'),
  },
  checksum: sink > 0,
};
console.log(JSON.stringify(result));
