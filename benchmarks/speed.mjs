// One benchmark group in its own process: `node --expose-gc --import tsx benchmarks/speed.mjs --group=core`.
// Scenarios are interleaved round by round (the order rotates each round); every sample checks the
// span count and parents. No forced GC between samples: it throws away the JIT's work here. Prints one JSON line of samples.
import { parseArgs } from 'node:util';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

const { values: args } = parseArgs({
  options: {
    group: { type: 'string', default: 'core' },
    rounds: { type: 'string', default: '31' },
    calls: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '60000' },
  },
});
const rounds = Number(args.rounds);
const calls = Number(args.calls);
const warmupCalls = Number(args.warmup);

// Process-wide hooks first: AsyncLocalStorage slows every promise in the process, so the group
// that needs it runs alone, with its own bare baseline.
if (args.group === 'als') context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const s = await import('./scenarios.mjs');
const GROUPS = {
  core: [s.bare, s.bareAgain, s.deferredSampled, s.deferredUnsampled, s.naive, s.zipkinJs, s.otelExplicit],
  als: [s.bare, s.deferredSampled, s.otelAls],
  // For quick iterations on the hot path.
  hot: [s.bare, s.bareAgain, s.deferredSampled, s.deferredUnsampled, s.naive],
  orphans: [
    s.bare,
    (w) => s.deferredSampled(w, { name: 'deferred-span sampled, orphan tracking on', trackOrphans: true }),
    (w) => s.deferredSampled(w, { name: 'deferred-span sampled, orphan tracking off', trackOrphans: false }),
  ],
};
const factories = GROUPS[args.group];
if (factories === undefined) throw new Error(`unknown group ${args.group}; one of ${Object.keys(GROUPS).join(', ')}`);

const WORKLOADS = {
  'async () => 1': async () => 1,
  'yields (setImmediate)': () => new Promise((resolve) => setImmediate(resolve, 1)),
};
const SHAPES = {
  sequential: async (call, n) => {
    for (let i = 0; i < n; i++) await call();
  },
  '100 concurrent': async (call, n) => {
    const batch = new Array(100);
    for (let i = 0; i < n; i += 100) {
      for (let j = 0; j < 100; j++) batch[j] = call();
      await Promise.all(batch);
    }
  },
};

async function sample(scenario, shape, n) {
  const run = () => shape(scenario.call, n);
  const t0 = process.hrtime.bigint();
  await (scenario.around ? scenario.around(run) : run());
  await scenario.finish();
  const ns = Number(process.hrtime.bigint() - t0) / n;
  const t = scenario.tally;
  const expected = scenario.expectSpans ? n : 0;
  if (t.spans !== expected || t.wrongParents !== 0) {
    throw new Error(`${scenario.name}: ${t.spans} spans (expected ${expected}), ${t.wrongParents} with the wrong parent`);
  }
  t.reset();
  return ns;
}

const cells = [];
for (const [workloadName, work] of Object.entries(WORKLOADS)) {
  for (const [shapeName, shape] of Object.entries(SHAPES)) {
    const scenarios = factories.map((f) => f(work));
    // Warm-up, interleaved too: the first tens of thousands of calls run several times slower.
    for (let done = 0; done < warmupCalls; done += calls) for (const sc of scenarios) await sample(sc, shape, calls);
    const samples = Object.fromEntries(scenarios.map((sc) => [sc.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < scenarios.length; k++) {
        const sc = scenarios[(k + r) % scenarios.length];
        samples[sc.name].push(await sample(sc, shape, calls));
      }
    }
    // The last encoded batch of each must be valid JSON.
    for (const sc of scenarios) if (sc.tally.lastBody !== '') JSON.parse(sc.tally.lastBody);
    cells.push({ workload: workloadName, shape: shapeName, baseline: 'bare', samples });
    for (const sc of scenarios) await sc.tracer?.close?.();
  }
}
process.stdout.write(JSON.stringify({ group: args.group, rounds, calls, warmupCalls, cells }) + '\n');
