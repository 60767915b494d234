// `npm run bench`: runs each benchmark group in its own process and prints the results as markdown.
//   node benchmarks/run.mjs [--quick] [--http] [--json=out.json] [--groups=core,als,orphans] [--no-memory] [--no-event-loop] [--no-http-instrumentation]
// (`--groups= --no-memory --no-event-loop` runs only the HTTP instrumentation group.)
// --http starts a local Zipkin server with scripts/zipkin.sh (or uses the one running) for the HTTP sink.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderResults } from './report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    http: { type: 'boolean', default: false },
    json: { type: 'string' },
    groups: { type: 'string', default: 'core,als,orphans' },
    memory: { type: 'boolean', default: true },
    'no-memory': { type: 'boolean', default: false },
    'no-event-loop': { type: 'boolean', default: false },
    'no-http-instrumentation': { type: 'boolean', default: false },
  },
});

function node(script, extra, { gc = false } = {}) {
  const argv = [...(gc ? ['--expose-gc'] : []), '--import', 'tsx', join(root, 'benchmarks', script), ...extra];
  process.stderr.write(`bench: node ${argv.join(' ')}\n`);
  const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}):\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').at(-1);
  return JSON.parse(last);
}

const quick = args.quick
  ? { rounds: ['--rounds=7', '--warmup=20000'], memory: ['--repeats=3', '--calls=2000000'], http: ['--calls=50000', '--seconds=2'], eventLoop: ['--repeats=3'], httpInstrumentation: ['--quick'] }
  : { rounds: [], memory: [], http: [], eventLoop: [], httpInstrumentation: [] };
const results = { startedAt: new Date().toISOString(), quick: args.quick, groups: [] };
for (const group of args.groups.split(',').filter(Boolean)) results.groups.push(node('speed.mjs', [`--group=${group}`, ...quick.rounds]));
if (args.memory && !args['no-memory']) results.memory = node('memory.mjs', quick.memory, { gc: true });
if (!args['no-event-loop']) results.eventLoop = node('event-loop.mjs', quick.eventLoop);
// The CPU tracing adds to a loopback HTTP request, client and server side (several processes of its own).
if (!args['no-http-instrumentation']) results.httpInstrumentation = node('http-instrumentation.mjs', quick.httpInstrumentation);

if (args.http) {
  // A run directory of its own (other runs may have theirs), and a store that evicts old spans: the
  // benchmark sends millions, more than the default heap holds.
  const env = {
    ...process.env,
    ZIPKIN_RUN_DIR: process.env.ZIPKIN_RUN_DIR ?? join(root, '.cache/zipkin/bench-run'),
    ZIPKIN_MEM_MAX_SPANS: process.env.ZIPKIN_MEM_MAX_SPANS ?? '200000',
    ZIPKIN_HEAP: process.env.ZIPKIN_HEAP ?? '1g',
  };
  const zipkin = (cmd) => spawnSync('bash', [join(root, 'scripts/zipkin.sh'), cmd], { cwd: root, encoding: 'utf8', env });
  const running = zipkin('status');
  let url = running.status === 0 ? running.stdout.trim().split('\n').at(-1) : undefined;
  let started = false;
  if (url === undefined) {
    const s = zipkin('start');
    if (s.status === 0) {
      url = s.stdout.trim().split('\n').at(-1);
      started = true;
    } else {
      results.httpSkipped = `Not measured: the Zipkin server did not start (${s.stderr.trim().split('\n').at(-1)}).`;
    }
  }
  try {
    if (url !== undefined) results.http = node('http.mjs', [`--url=${url}`, ...quick.http]);
  } catch (error) {
    results.httpSkipped = `Failed in this run: ${String(error.message).split('\n').find((l) => l.startsWith('Error: ') && !l.includes('failed (')) ?? error.message}`;
  } finally {
    if (started) zipkin('stop');
  }
} else {
  results.httpSkipped = 'Not measured in this run (pass --http; needs Java 17 for the Zipkin server).';
}
results.finishedAt = new Date().toISOString();
if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 1) + '\n');
process.stdout.write(renderResults(results) + '\n');
