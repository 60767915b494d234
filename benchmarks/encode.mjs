// Encoding cost: nanoseconds per span of `encodeSpansBytes` for a few span shapes, against a
// hand-written floor (benchmarks/encode-floor.mjs) that writes the same bytes the simplest fast way.
//   node --import tsx benchmarks/encode.mjs [--rounds=15] [--batch=100] [--batches=20] [--spans-per-sample=50000] [--quick] [--markdown]
// Prints one line of JSON (the result of runEncodeBenchmark); `--markdown` prints the table instead.
// In code: runEncodeBenchmark(options) returns the same plain data, encodeTableMarkdown(result)
// renders it, encodeHeadline(result) gives the seed spans' ratio to the floor (target at most 1.3).
//
// How it is measured: the records of each shape are made once by a real tracer (its own compact
// records, as a sink gets them), `batches` batches of `batch` spans, every span with its own strings
// where real traffic has them (each `http.path` a flat string of its own, as `URL.pathname` gives).
// One sample encodes every batch of a shape until `spansPerSample` spans are done and divides the
// process's CPU time (and, kept too, the wall time) by the spans: on a loaded machine the CPU time
// moves less. The encoders of a shape run one after the other within a round, their order rotating
// round by round, so a slow stretch of the machine hits each alike; "÷ floor" is the median over
// rounds of each round's ratio to that round's floor sample, with its spread (min–max). Before
// timing, every encoder's bytes are checked against `Buffer.from(encodeSpans(batch))`. Heap bytes per
// span: the smallest growth of the V8 heap over one batch's encode (of several tries), less that of
// an empty call, divided by the spans; the output buffer's bytes are off the heap, its object is not.
//
// The library (TypeScript source) is loaded only when the benchmark runs, so encodeTableMarkdown
// and encodeHeadline can be imported by plain `node` (benchmarks/report.mjs, scripts/bench-doc.mjs).
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { encodeFloor } from './encode-floor.mjs';
import { spreadOf } from './stats.mjs';

/** A string of its own, flat (as a socket or URL parser makes it), not a rope of the template's parts. */
function flat(s) {
  return Buffer.from(s, 'latin1').toString('latin1');
}

function hex(n, digits) {
  let s = '';
  for (let i = 0; i < digits; i++) s += '0123456789abcdef'[(n * 7 + i * 13 + ((n >>> (i % 24)) & 15)) & 15];
  return s;
}

/** The library under test, loaded on first use (its source needs tsx). */
let lib;
async function library() {
  lib ??= await import('../src/index.ts');
  return lib;
}

/** A tracer whose sink keeps every record, and a way to wait for them. */
function recordingTracer() {
  const records = [];
  const tracer = lib.createTracer({ serviceName: 'encode-bench', localEndpoint: { ipv4: '10.0.0.1' }, sink: { write: (b) => records.push(...b) }, warnings: false });
  return { tracer, records };
}

/** Calls `make(i)` for i < count in runs of a few hundred, flushing in between (the tracer's queue is bounded); the proto3 benchmark's records too. */
export async function collect(count, make) {
  const { tracer, records } = recordingTracer();
  const root = tracer.startSpan('root', { kind: 'SERVER' });
  for (let i = 0; i < count; ) {
    const pending = [];
    for (const end = Math.min(count, i + 500); i < end; i++) pending.push(make(tracer, root, i));
    await Promise.all(pending);
    await tracer.flush();
  }
  root.end();
  await tracer.flush();
  const mine = records.filter((r) => r.parentId === root.context.spanId || r.shared);
  if (mine.length !== count) throw new Error(`encode benchmark: ${mine.length} records made, ${count} expected`);
  await tracer.close();
  return mine;
}

const sites = new WeakMap();
/** One traced function per tracer and shape (a site shared by its calls), made on first use. */
function siteOf(tracer, key, make) {
  let m = sites.get(tracer);
  if (m === undefined) sites.set(tracer, (m = new Map()));
  let fn = m.get(key);
  if (fn === undefined) m.set(key, (fn = make()));
  return fn;
}

const path = (i) => flat(`/objects/obj-${hex(i, 10)}/fragment-${i % 4}`);

/** The shapes measured: how each span of the shape is made. */
export const ENCODE_SHAPES = [
  {
    key: 'plain',
    name: 'plain (a traced call: nothing of its own)',
    make: (tracer, root) => siteOf(tracer, 'plain', () => tracer.traced(async () => 1, { name: 'get fragment', kind: 'CLIENT', parent: root }))(),
  },
  {
    key: 'seedTraced',
    name: 'seed client, traced call (own remote IPv4+port, `http.path` of its own + `http.status_code`, `ws` + `wr`)',
    seed: true,
    make: (tracer, root, i) =>
      siteOf(tracer, 'seedTraced', () =>
        tracer.traced(
          async (span, p, k) => {
            span.setRemoteEndpoint({ ipv4: `10.0.0.${k + 2}`, port: 6200 + k });
            span.annotate('ws');
            span.tag('http.path', p);
            span.tag('http.status_code', '200');
            span.annotate('wr');
          },
          { name: 'GET', kind: 'CLIENT', parent: root },
        ),
      )(path(i), i % 4),
  },
  {
    key: 'seedStartSpan',
    name: 'seed client, startSpan as the HTTP helpers make it (the same fields, a site of its own)',
    seed: true,
    make: async (tracer, root, i) => {
      const k = i % 4;
      const span = tracer.startSpan('GET', { kind: 'CLIENT', parent: root, remoteEndpoint: { ipv4: `10.0.0.${k + 2}`, port: 6200 + k } });
      span.annotate('ws');
      span.tag('http.path', path(i));
      span.tag('http.status_code', '200');
      span.annotate('wr');
      span.end();
    },
  },
  {
    key: 'serverJoined',
    name: 'SERVER span joined to its client (`shared`), remote IPv4+port, `http.method`, `http.path` of its own, `http.status_code`',
    make: async (tracer, root, i) => {
      const parent = lib.extractB3({ 'x-b3-traceid': root.context.traceId, 'x-b3-spanid': hex(i, 16), 'x-b3-parentspanid': root.context.spanId, 'x-b3-sampled': '1' });
      const span = tracer.startSpan('GET /objects/:id', { kind: 'SERVER', parent, join: true, remoteEndpoint: { ipv4: '127.0.0.1', port: 40000 + (i % 20000) } });
      span.tag('http.method', 'GET').tag('http.path', path(i));
      span.tag('http.status_code', '200');
      span.end();
    },
  },
  {
    key: 'tenTags',
    name: 'traced call with 10 tags of its own, values of 30–100 characters',
    make: (tracer, root, i) =>
      siteOf(tracer, 'tenTags', () =>
        tracer.traced(
          async (span, n) => {
            for (let k = 0; k < 10; k++) span.tag(`app.field_${k}`, flat(`value ${k} of call ${n}: ` + 'abcdefghij'.repeat(1 + ((n + k) % 8)).slice(0, 10 + ((n * 7 + k * 11) % 70))));
          },
          { name: 'process item', parent: root },
        ),
      )(i),
  },
];

/** The encoders timed by default: the library's and the floor. `runEncodeBenchmark({ encoders })` replaces them. */
export async function defaultEncoders() {
  return { encodeSpansBytes: (await library()).encodeSpansBytes, floor: encodeFloor };
}

function checkEncoder(name, encode, batches, shapeKey) {
  for (const b of batches) {
    const got = encode(b);
    const want = Buffer.from(lib.encodeSpans(b));
    if (!Buffer.isBuffer(got) || !got.equals(want)) throw new Error(`encode benchmark: ${name} does not write the bytes of encodeSpans for the ${shapeKey} shape`);
  }
  JSON.parse(encode(batches[0]).toString('utf8'));
}

/** One sample: CPU and wall nanoseconds per span over `spans` spans or more (the proto3 benchmark's too). */
export function sample(encode, batches, spans) {
  let done = 0;
  let sink = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  while (done < spans) {
    for (let i = 0; i < batches.length; i++) {
      sink += encode(batches[i]).length;
      done += batches[i].length;
    }
  }
  const wall = Number(process.hrtime.bigint() - t0) / done;
  const c = process.cpuUsage(c0);
  if (sink === 0) throw new Error('nothing encoded');
  return { cpu: ((c.user + c.system) * 1000) / done, wall };
}

function heapGrowth(fn, tries = 9) {
  let least = Infinity;
  for (let t = 0; t < tries; t++) {
    const before = process.memoryUsage().heapUsed;
    fn();
    const d = process.memoryUsage().heapUsed - before;
    if (d >= 0 && d < least) least = d;
  }
  return least;
}

/**
 * Runs the encode benchmark and returns plain data: per shape and encoder, CPU nanoseconds per span
 * (`nsPerSpan`: median, min, max, samples; the process's CPU time, which a loaded machine moves less
 * than the wall time), wall nanoseconds per span (`wallNsPerSpan`), the ratio of each round's sample
 * to that round's floor sample (`ratioToFloor`, CPU; `wallRatioToFloor`), and heap bytes per span.
 * @param {{ rounds?: number, batch?: number, batches?: number, spansPerSample?: number, warmupRounds?: number,
 *   shapes?: string[], encoders?: Record<string, (records: readonly unknown[]) => Buffer> }} [options]
 *   `encoders` replaces the default set (`defaultEncoders()`: encodeSpansBytes and floor); keep `floor` in it for the ratios.
 */
export async function runEncodeBenchmark(options = {}) {
  const { rounds = 15, batch = 100, batches: batchCount = 20, spansPerSample = 50_000, warmupRounds = 3 } = options;
  await library();
  const encoders = options.encoders ?? (await defaultEncoders());
  const names = Object.keys(encoders);
  const shapes = ENCODE_SHAPES.filter((s) => options.shapes === undefined || options.shapes.includes(s.key));
  const prepared = [];
  for (const shape of shapes) {
    const records = await collect(batch * batchCount, shape.make);
    const batches = [];
    for (let i = 0; i < records.length; i += batch) batches.push(records.slice(i, i + batch));
    for (const name of names) checkEncoder(name, encoders[name], batches, shape.key);
    const bytes = batches.reduce((n, b) => n + lib.encodeSpansBytes(b).length - 2, 0) / records.length;
    const lists = () => Object.fromEntries(names.map((n) => [n, []]));
    prepared.push({ shape, batches, bytes, cpu: lists(), wall: lists(), cpuRatio: lists(), wallRatio: lists() });
  }
  for (let r = -warmupRounds; r < rounds; r++) {
    for (let i = 0; i < prepared.length; i++) {
      const p = prepared[i];
      const got = {};
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + Math.max(r, 0) + i) % names.length];
        got[name] = sample(encoders[name], p.batches, spansPerSample);
      }
      if (r < 0) continue;
      for (const name of names) {
        p.cpu[name].push(got[name].cpu);
        p.wall[name].push(got[name].wall);
        if (got.floor !== undefined) {
          p.cpuRatio[name].push(got[name].cpu / got.floor.cpu);
          p.wallRatio[name].push(got[name].wall / got.floor.wall);
        }
      }
    }
  }
  const emptyGrowth = heapGrowth(() => undefined);
  return {
    node: process.version,
    rounds,
    batch,
    batches: batchCount,
    spansPerSample,
    encoders: names,
    shapes: prepared.map((p) => ({
      key: p.shape.key,
      name: p.shape.name,
      seed: p.shape.seed === true,
      bytesPerSpan: p.bytes,
      results: Object.fromEntries(
        names.map((n) => [
          n,
          {
            nsPerSpan: spreadOf(p.cpu[n]),
            wallNsPerSpan: spreadOf(p.wall[n]),
            ratioToFloor: p.cpuRatio[n].length > 0 ? spreadOf(p.cpuRatio[n]) : undefined,
            wallRatioToFloor: p.wallRatio[n].length > 0 ? spreadOf(p.wallRatio[n]) : undefined,
            heapBytesPerSpan: Math.max(0, heapGrowth(() => encoders[n](p.batches[0])) - emptyGrowth) / batch,
          },
        ]),
      ),
    })),
  };
}

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');

const label = (name) => (name === 'floor' ? 'hand-written floor' : '`' + name + '`');
const spread = (x, d = 0) => `${fmt(x.median, d)} (${fmt(x.min, d)}–${fmt(x.max, d)})`;

/**
 * The result of `runEncodeBenchmark` as a markdown table: one row per shape; per encoder its CPU ns
 * per span, per encoder but the floor its ratio to the floor; heap bytes per span of each encoder.
 */
export function encodeTableMarkdown(result) {
  const names = result.encoders;
  const others = names.filter((n) => n !== 'floor' && result.shapes[0]?.results[n]?.ratioToFloor !== undefined);
  const head = [
    'shape',
    ...names.map((n) => `${label(n)} ns per span`),
    ...others.map((n) => `${label(n)} ÷ floor`),
    ...names.map((n) => `heap bytes per span, ${label(n)}`),
    'JSON bytes per span',
  ];
  const lines = [
    `Encoding, CPU ns per span: medians of ${result.rounds} rounds (min–max), batches of ${result.batch} spans, Node ${result.node}. ` +
      '"÷ floor" is the median of each round\'s ratio to that round\'s hand-written floor (benchmarks/encode-floor.mjs).',
    '',
    `| ${head.join(' | ')} |`,
    `|---|${head.slice(1).map(() => '--:').join('|')}|`,
  ];
  for (const s of result.shapes) {
    const cells = [
      s.name,
      ...names.map((n) => spread(s.results[n].nsPerSpan)),
      ...others.map((n) => spread(s.results[n].ratioToFloor, 2)),
      ...names.map((n) => fmt(s.results[n].heapBytesPerSpan, 1)),
      fmt(s.bytesPerSpan),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The headline of a result: the worst median ratio to the floor of the seed shapes (the target is at most 1.3), and of the plain span. */
export function encodeHeadline(result, encoder = 'encodeSpansBytes') {
  const ratio = (s) => s.results[encoder]?.ratioToFloor?.median ?? NaN;
  const seed = result.shapes.filter((s) => s.seed);
  const seedRatio = seed.length === 0 ? NaN : Math.max(...seed.map(ratio));
  return { encoder, seedRatioToFloor: seedRatio, seedTarget: 1.3, seedTargetMet: seedRatio <= 1.3, plainNsPerSpan: result.shapes.find((s) => s.key === 'plain')?.results[encoder]?.nsPerSpan.median ?? NaN };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: args } = parseArgs({
    options: {
      rounds: { type: 'string' },
      batch: { type: 'string' },
      batches: { type: 'string' },
      'spans-per-sample': { type: 'string' },
      quick: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
    },
  });
  const num = (v) => (v === undefined ? undefined : Number(v));
  const result = await runEncodeBenchmark({
    rounds: num(args.rounds) ?? (args.quick ? 5 : 15),
    ...(args.batch !== undefined && { batch: num(args.batch) }),
    ...(args.batches !== undefined && { batches: num(args.batches) }),
    spansPerSample: num(args['spans-per-sample']) ?? (args.quick ? 10_000 : 50_000),
  });
  process.stdout.write((args.markdown ? encodeTableMarkdown(result) : JSON.stringify(result)) + '\n');
}
