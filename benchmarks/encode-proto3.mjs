// Encoding cost of proto3 against JSON: nanoseconds per span of `encodeSpansProto3` and of
// `encodeSpansBytes` on the same records, and bytes per span of each.
//   node --import tsx benchmarks/encode-proto3.mjs [--rounds=15] [--batch=100] [--batches=20] [--spans-per-sample=50000] [--quick] [--markdown]
// Prints one line of JSON (the result of runProto3Benchmark); `--markdown` prints the table instead.
// In code: runProto3Benchmark(options) returns the same plain data, proto3TableMarkdown(result)
// renders it, proto3Headline(result) says whether proto3 is no slower than JSON on every shape.
//
// How it is measured, as benchmarks/encode.mjs measures (whose shapes these are, made the same way
// by a real tracer: its own compact records, every call with its own `http.path` string): one
// sample encodes every batch of a shape until `spansPerSample` spans are done and divides the
// process's CPU time by the spans. The two encoders of a shape run one after the other within a
// round, their order alternating round by round; "proto3 ÷ JSON" is the median of each round's
// ratio. Before timing, the proto3 bytes are checked to be one length-delimited span per record.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ENCODE_SHAPES, collect, defaultEncoders, sample } from './encode.mjs';
import { countProto3 } from './end-to-end.mjs';
import { spreadOf } from './stats.mjs';

/** The shapes measured, by their key in ENCODE_SHAPES. */
export const PROTO3_SHAPES = ['plain', 'seedTraced', 'seedStartSpan', 'serverJoined', 'tenTags'];

let lib;
async function library() {
  // encode.mjs's shapes and `collect` use the library it loads; load it through it.
  await defaultEncoders();
  lib ??= await import('../src/index.ts');
  return lib;
}

/**
 * Runs the benchmark and returns plain data: per shape, CPU ns per span of each encoder
 * (`json`: encodeSpansBytes, `proto3`: encodeSpansProto3; median, min, max, samples), the ratio
 * proto3 ÷ JSON of each round, and bytes per span of each encoding.
 * @param {{ rounds?: number, batch?: number, batches?: number, spansPerSample?: number, warmupRounds?: number, shapes?: string[] }} [options]
 */
export async function runProto3Benchmark(options = {}) {
  const { rounds = 15, batch = 100, batches: batchCount = 20, spansPerSample = 50_000, warmupRounds = 3 } = options;
  await library();
  const encoders = { json: lib.encodeSpansBytes, proto3: lib.encodeSpansProto3 };
  const names = Object.keys(encoders);
  const keys = options.shapes ?? PROTO3_SHAPES;
  const prepared = [];
  for (const key of keys) {
    const shape = ENCODE_SHAPES.find((s) => s.key === key);
    if (shape === undefined) throw new Error(`proto3 benchmark: no shape ${key} in benchmarks/encode.mjs`);
    const records = await collect(batch * batchCount, shape.make);
    const batches = [];
    for (let i = 0; i < records.length; i += batch) batches.push(records.slice(i, i + batch));
    for (const b of batches) {
      if (countProto3(encoders.proto3(b)) !== b.length) throw new Error(`proto3 benchmark: encodeSpansProto3 does not write one span per record for the ${key} shape`);
    }
    const bytes = (encode, less) => batches.reduce((n, b) => n + encode(b).length - less, 0) / records.length;
    prepared.push({
      shape,
      batches,
      bytes: { json: bytes(encoders.json, 2), proto3: bytes(encoders.proto3, 0) },
      cpu: { json: [], proto3: [] },
      ratio: [],
    });
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
      for (const name of names) p.cpu[name].push(got[name].cpu);
      p.ratio.push(got.proto3.cpu / got.json.cpu);
    }
  }
  return {
    node: process.version,
    rounds,
    batch,
    batches: batchCount,
    spansPerSample,
    shapes: prepared.map((p) => ({
      key: p.shape.key,
      name: p.shape.name,
      bytesPerSpan: p.bytes,
      nsPerSpan: { json: spreadOf(p.cpu.json), proto3: spreadOf(p.cpu.proto3) },
      proto3ToJson: spreadOf(p.ratio),
    })),
  };
}

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const spread = (x, d = 0) => `${fmt(x.median, d)} (${fmt(x.min, d)}–${fmt(x.max, d)})`;

/** The table rows of a result, one markdown line per shape (no header), for docs/benchmarks.md. */
export function proto3Rows(result) {
  return result.shapes.map((s) =>
    `| ${[
      s.name,
      spread(s.nsPerSpan.json),
      spread(s.nsPerSpan.proto3),
      spread(s.proto3ToJson, 2),
      fmt(s.bytesPerSpan.json),
      fmt(s.bytesPerSpan.proto3),
      fmt(s.bytesPerSpan.json / s.bytesPerSpan.proto3, 2),
    ].join(' | ')} |`,
  );
}

/** The result as a markdown table: a caption, the header and `proto3Rows`. */
export function proto3TableMarkdown(result) {
  const head = ['shape', '`encodeSpansBytes` (JSON) ns per span', '`encodeSpansProto3` ns per span', 'proto3 ÷ JSON', 'JSON bytes per span', 'proto3 bytes per span', 'JSON ÷ proto3 bytes'];
  return [
    `Encoding to JSON and to proto3, CPU ns per span: medians of ${result.rounds} rounds (min–max), batches of ${result.batch} spans, Node ${result.node}. ` +
      '"proto3 ÷ JSON" is the median of each round\'s ratio (target: at most 1 on every shape).',
    '',
    `| ${head.join(' | ')} |`,
    `|---|${head.slice(1).map(() => '--:').join('|')}|`,
    ...proto3Rows(result),
  ].join('\n');
}

/** The headline: the worst median ratio proto3 ÷ JSON over the shapes, and whether it is at most 1. */
export function proto3Headline(result) {
  const worst = Math.max(...result.shapes.map((s) => s.proto3ToJson.median));
  return { worstProto3ToJson: worst, target: 1, targetMet: worst <= 1 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: args } = parseArgs({
    options: {
      rounds: { type: 'string' },
      batch: { type: 'string' },
      batches: { type: 'string' },
      'spans-per-sample': { type: 'string' },
      shapes: { type: 'string' },
      quick: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
    },
  });
  const num = (v) => (v === undefined ? undefined : Number(v));
  const result = await runProto3Benchmark({
    rounds: num(args.rounds) ?? (args.quick ? 5 : 15),
    ...(args.batch !== undefined && { batch: num(args.batch) }),
    ...(args.batches !== undefined && { batches: num(args.batches) }),
    ...(args.shapes !== undefined && { shapes: args.shapes.split(',') }),
    spansPerSample: num(args['spans-per-sample']) ?? (args.quick ? 10_000 : 50_000),
  });
  process.stdout.write((args.markdown ? proto3TableMarkdown(result) : JSON.stringify(result)) + '\n');
}
