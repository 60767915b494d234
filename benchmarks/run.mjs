// `npm run bench`: runs each benchmark group in its own process and prints the results as markdown.
//   node benchmarks/run.mjs [--node=<major>] [--quick] [--http] [--json=out.json] [--groups=core,als,orphans]
//                           [--no-memory] [--no-event-loop] [--no-http-instrumentation] [--no-import] [--import-runs=N]
//                           [--no-encode] [--no-propagation] [--no-end-to-end] [--no-cli] [--no-kafka]
// (`--groups= --no-memory --no-event-loop --no-import` runs only the HTTP instrumentation group.)
// --node picks the Node version every benchmark process runs on (`npm run bench -- --node 24`): the
// running Node when it is that major, else the newest release of it, fetched through npm into
// .cache/node/<major>/ by scripts/node-versions.mjs on first use. Default: the running Node.
// --http starts a local Zipkin server with scripts/zipkin.sh (or uses the one running) for the HTTP sink
// and the burst table of the end-to-end group (benchmarks/end-to-end.mjs --burst); the end-to-end CPU
// table and its rate sweep go to a loopback discard collector of their own and run with --http too.
// With --http a Kafka broker (scripts/kafka.sh) starts first and that Zipkin reads it, for the Kafka
// sink's figures (benchmarks/kafka.mjs); --no-kafka leaves it out.
// The import group (benchmarks/import.mjs) measures the built package: run `npm run build` first
// (scripts/bench-doc.mjs does); without dist/ it is reported as not measured.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveNode } from '../scripts/node-versions.mjs';
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
    'no-import': { type: 'boolean', default: false },
    'no-encode': { type: 'boolean', default: false },
    'no-propagation': { type: 'boolean', default: false },
    'no-end-to-end': { type: 'boolean', default: false },
    'no-cli': { type: 'boolean', default: false },
    'no-kafka': { type: 'boolean', default: false },
    'import-runs': { type: 'string' },
    node: { type: 'string' },
  },
});

// The Node every benchmark process runs on; their own children use it too (process.execPath).
const target = await resolveNode(args.node ?? process.versions.node.split('.')[0], { log: (m) => process.stderr.write(`bench: ${m}\n`) });
process.stderr.write(`bench: Node v${target.version} (${target.bin})\n`);

function node(script, extra, { gc = false } = {}) {
  const argv = [...(gc ? ['--expose-gc'] : []), '--import', 'tsx', join(root, 'benchmarks', script), ...extra];
  process.stderr.write(`bench: node ${argv.join(' ')}\n`);
  const r = spawnSync(target.bin, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}):\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').at(-1);
  return JSON.parse(last);
}

const quick = args.quick
  ? { rounds: ['--rounds=7', '--warmup=20000'], memory: ['--repeats=3', '--calls=2000000'], http: ['--calls=50000', '--seconds=2'], eventLoop: ['--repeats=3'], httpInstrumentation: ['--quick'] }
  : { rounds: [], memory: [], http: [], eventLoop: [], httpInstrumentation: [] };
const results = { startedAt: new Date().toISOString(), quick: args.quick, node: { version: target.version, major: target.major, source: target.source }, groups: [] };
for (const group of args.groups.split(',').filter(Boolean)) results.groups.push(node('speed.mjs', [`--group=${group}`, ...quick.rounds]));
if (args.memory && !args['no-memory']) results.memory = node('memory.mjs', quick.memory, { gc: true });
if (!args['no-event-loop']) results.eventLoop = node('event-loop.mjs', quick.eventLoop);
// The CPU tracing adds to a loopback HTTP request, client and server side (several processes of its own).
if (!args['no-http-instrumentation']) results.httpInstrumentation = node('http-instrumentation.mjs', quick.httpInstrumentation);
// Encoding realistic spans (plain, the seed's client span, a joined server span, 10 long tags)
// against a hand-written floor; and what propagation costs (headers written, contexts read).
if (!args['no-encode']) results.encode = node('encode.mjs', args.quick ? ['--quick'] : []);
if (!args['no-propagation']) results.propagation = node('propagation.mjs', args.quick ? ['--rounds=7', '--calls=50000'] : []);
// The CLI reading a span file, against the commit before its hand-written checks (fresh processes).
if (!args['no-cli']) results.cli = node('cli.mjs', args.quick ? ['--runs=3', '--spans=100000'] : []);
// Import cost of the built package: fresh processes of the target Node, each importing it once.
if (!args['no-import']) {
  if (!existsSync(join(root, 'benchmarks', 'import.mjs'))) {
    results.importSkipped = 'Not measured: benchmarks/import.mjs is not in this tree.';
  } else if (!existsSync(join(root, 'dist', 'index.js'))) {
    results.importSkipped = 'Not measured: the package is not built (run `npm run build`; scripts/bench-doc.mjs does).';
  } else {
    const { runImportBenchmark } = await import('./import.mjs');
    const runs = Number(args['import-runs'] ?? (args.quick ? 5 : 20));
    process.stderr.write(`bench: import cost, ${runs} fresh processes per case (benchmarks/import.mjs)\n`);
    results.import = await runImportBenchmark({ node: target.bin, runs });
  }
}

if (args.http) {
  // A run directory of its own (other runs may have theirs), and a store that evicts old spans: the
  // benchmark sends millions, more than the default heap holds.
  const env = {
    ...process.env,
    ZIPKIN_RUN_DIR: process.env.ZIPKIN_RUN_DIR ?? join(root, '.cache/zipkin/bench-run'),
    ZIPKIN_MEM_MAX_SPANS: process.env.ZIPKIN_MEM_MAX_SPANS ?? '200000',
    ZIPKIN_HEAP: process.env.ZIPKIN_HEAP ?? '1g',
  };
  // A Kafka broker first (scripts/kafka.sh), so that the Zipkin started here also consumes its `zipkin` topic.
  const kafkaEnv = { ...process.env, KAFKA_RUN_DIR: process.env.KAFKA_RUN_DIR ?? join(root, '.cache/kafka/bench-run') };
  const kafka = (cmd) => spawnSync('bash', [join(root, 'scripts/kafka.sh'), cmd], { cwd: root, encoding: 'utf8', env: kafkaEnv });
  let bootstrap;
  if (!args['no-kafka']) {
    const k = kafka('start');
    if (k.status === 0) bootstrap = k.stdout.trim().split('\n').at(-1);
    else results.kafkaSkipped = `Not measured: the Kafka broker did not start (${k.stderr.trim().split('\n').at(-1)}).`;
  }
  if (bootstrap !== undefined) env.KAFKA_BOOTSTRAP_SERVERS = bootstrap;
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
  const failure = (error) => `Failed in this run: ${String(error.message).split('\n').find((l) => l.startsWith('Error: ') && !l.includes('failed (')) ?? error.message}`;
  try {
    if (url !== undefined) results.http = node('http.mjs', [`--url=${url}`, ...quick.http]);
  } catch (error) {
    results.httpSkipped = failure(error);
  }
  // End to end (call to bytes acknowledged): ours, a hand-written floor, OpenTelemetry and zipkin-js
  // side by side to one discard collector; then bursts into the real Zipkin for the queue defaults.
  try {
    if (!args['no-end-to-end']) {
      try {
        results.endToEnd = node('end-to-end.mjs', args.quick ? ['--quick'] : []);
      } catch (error) {
        results.endToEndSkipped = failure(error);
      }
      if (url !== undefined) {
        try {
          results.burst = node('end-to-end.mjs', ['--burst', `--zipkin=${url}`, ...(args.quick ? ['--repeats=1'] : [])]);
        } catch (error) {
          results.burstSkipped = failure(error);
        }
        // The competitors end to end again, to the real Zipkin (through a counting relay).
        try {
          results.endToEndZipkin = node('end-to-end.mjs', [`--zipkin=${url}`, ...(args.quick ? ['--quick'] : [])]);
        } catch (error) {
          results.endToEndZipkinSkipped = failure(error);
        }
      }
    }
    // The Kafka sink beside the HTTP sink, and a span's way into Zipkin's API through each.
    if (bootstrap !== undefined && url !== undefined) {
      try {
        results.kafka = node('kafka.mjs', [`--bootstrap=${bootstrap}`, `--zipkin=${url}`, ...(args.quick ? ['--quick'] : [])]);
      } catch (error) {
        results.kafkaSkipped = failure(error);
      }
    }
  } finally {
    if (started) zipkin('stop');
    if (bootstrap !== undefined) kafka('clean');
  }
} else {
  results.httpSkipped = 'Not measured in this run (pass --http; needs Java 17 for the Zipkin server).';
  results.endToEndSkipped = 'Not measured in this run (pass --http).';
}
results.finishedAt = new Date().toISOString();
if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 1) + '\n');
process.stdout.write(renderResults(results) + '\n');
