// Event-loop blocking: 100,000 traced calls finish in one burst (they all wait on one gate that then
// opens); the longest event-loop block from the gate opening until every span is delivered, for
// each sink, against the same burst untraced. Median of --repeats runs, each in a fresh tracer.
// `node --import tsx benchmarks/event-loop.mjs [--calls=100000] [--repeats=5]`
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTracer, memorySink, ndjsonFileSink, zipkinHttpSink } from '../src/index.ts';
import { median } from './stats.mjs';

const { values: args } = parseArgs({ options: { calls: { type: 'string', default: '100000' }, repeats: { type: 'string', default: '5' } } });
const calls = Number(args.calls);
const repeats = Number(args.repeats);

// A collector in its own process, so its work is not counted as ours: answers 202 to everything.
const collector = spawn(process.execPath, ['-e', `
  const http = require('node:http');
  const s = http.createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(202).end()); });
  s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`], { stdio: ['ignore', 'pipe', 'inherit'] });
const [portLine] = await once(collector.stdout.setEncoding('utf8'), 'data');
const url = `http://127.0.0.1:${Number(portLine)}/api/v2/spans`;
const dir = mkdtempSync(join(tmpdir(), 'bench-event-loop-'));

/** Longest gap between macrotask heartbeats while `run` runs, in ms. */
async function longestBlock(run) {
  let last = performance.now();
  let longest = 0;
  let beating = true;
  const beat = () => {
    const now = performance.now();
    if (now - last > longest) longest = now - last;
    last = now;
    if (beating) setImmediate(beat);
  };
  setImmediate(beat);
  await run();
  // One more turn, so the gap that ends with the run is measured too.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  beating = false;
  return longest;
}

async function burst(makeTracer) {
  let open;
  const gate = new Promise((resolve) => (open = resolve));
  const tracer = makeTracer?.();
  const fn = async () => {
    await gate;
    return 1;
  };
  const call = tracer === undefined ? fn : tracer.traced(fn, { name: 'burst', tags: { 'http.path': '/objects/a' } });
  const pending = Array.from({ length: calls }, () => call());
  // Let the heartbeat settle, then open the gate: every call finishes in the same burst.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return longestBlock(async () => {
    open();
    await Promise.all(pending);
    if (tracer !== undefined) {
      const result = await tracer.close({ timeoutMillis: 60_000 });
      if (!result.complete) throw new Error(`not delivered: ${JSON.stringify(result)}`);
    }
  });
}

const scenarios = {
  untraced: undefined,
  memorySink: () => createTracer({ serviceName: 'bench', sink: memorySink(), warnings: false }),
  ndjsonFileSink: () => createTracer({ serviceName: 'bench', sink: ndjsonFileSink(join(dir, `spans-${Math.random()}.ndjson`)), warnings: false }),
  zipkinHttpSink: () => createTracer({ serviceName: 'bench', sink: zipkinHttpSink({ url }), warnings: false }),
};

const samples = Object.fromEntries(Object.keys(scenarios).map((k) => [k, []]));
for (let r = 0; r < repeats; r++) {
  for (const [name, make] of Object.entries(scenarios)) samples[name].push(await burst(make));
}
collector.kill();
rmSync(dir, { recursive: true, force: true });
const result = { calls, repeats, longestBlockMillis: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])), samples };
process.stdout.write(JSON.stringify(result) + '\n');
