// Memory: bytes held per in-flight span with 10,000 calls in flight (after forced GCs), against the
// bare call; and heap growth over 10 million sampled calls.
// `node --expose-gc --import tsx benchmarks/memory.mjs [--inflight=10000] [--calls=10000000]`
import { parseArgs } from 'node:util';
import { median } from './stats.mjs';
import * as s from './scenarios.mjs';

const { values: args } = parseArgs({
  options: {
    inflight: { type: 'string', default: '10000' },
    repeats: { type: 'string', default: '5' },
    calls: { type: 'string', default: '10000000' },
  },
});
const inflight = Number(args.inflight);
const repeats = Number(args.repeats);
const growthCalls = Number(args.calls);
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

function heapAfterGc() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

let open;
let gate = new Promise((resolve) => (open = resolve));
// The bare call in flight: an async function waiting on a gate that opens later.
const work = async () => {
  await gate;
  return 1;
};

const factories = [
  s.bare,
  s.deferredSampled,
  (w) => s.deferredSampled(w, { name: 'deferred-span sampled, trackOrphans', trackOrphans: true }),
  s.deferredUnsampled,
  s.naive,
  s.zipkinJs,
  s.otelExplicit,
];
const scenarios = factories.map((f) => f(work));
const held = new Array(inflight);

async function once(sc) {
  gate = new Promise((resolve) => (open = resolve));
  const before = heapAfterGc();
  for (let i = 0; i < inflight; i++) held[i] = sc.call();
  const after = heapAfterGc();
  open();
  await Promise.all(held);
  held.fill(undefined);
  await sc.finish();
  const expected = sc.expectSpans ? inflight : 0;
  if (sc.tally.spans !== expected || sc.tally.wrongParents !== 0) {
    throw new Error(`${sc.name}: ${sc.tally.spans} spans (expected ${expected}), ${sc.tally.wrongParents} with the wrong parent`);
  }
  sc.tally.reset();
  return (after - before) / inflight;
}

// Warm-up, then interleaved repeats.
for (let r = 0; r < 3; r++) for (const sc of scenarios) await once(sc);
const perSpan = Object.fromEntries(scenarios.map((sc) => [sc.name, []]));
for (let r = 0; r < repeats; r++) for (const sc of scenarios) perSpan[sc.name].push(await once(sc));
const inFlight = Object.fromEntries(
  scenarios.map((sc) => [sc.name, { bytes: median(perSpan[sc.name]), overBare: median(perSpan[sc.name].map((v, i) => v - perSpan.bare[i])) }]),
);

// Heap growth: sequential sampled calls through the encoding sink, heap measured after forced GCs.
const quick = async () => 1;
const sampled = s.deferredSampled(quick);
const chunk = 1_000_000;
async function calls(n) {
  for (let i = 0; i < n; i++) await sampled.call();
  await sampled.finish();
  if (sampled.tally.spans !== n || sampled.tally.wrongParents !== 0) throw new Error(`growth run: ${sampled.tally.spans} spans of ${n}`);
  sampled.tally.reset();
}
await calls(Math.min(chunk, growthCalls));
const start = heapAfterGc();
const checkpoints = [];
for (let done = 0; done < growthCalls; done += chunk) {
  await calls(Math.min(chunk, growthCalls - done));
  checkpoints.push(heapAfterGc() - start);
}
process.stdout.write(
  JSON.stringify({ inflight, repeats, inFlight, growth: { calls: growthCalls, startBytes: start, checkpoints, growthBytes: checkpoints.at(-1) } }) + '\n',
);
