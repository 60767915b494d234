// The CLI's reading speed: `deferred-span summary FILE` over an NDJSON file of seed-like spans, this
// tree against another commit's (by default dddda88, the last before span files were read with the
// hand-written checks: every line through zod, lines through readline), interleaved run by run.
//   node benchmarks/cli.mjs [--spans=200000] [--runs=7] [--baseline=<commit>] [--markdown]
// Each run is a fresh process (`node --import tsx src/cli/main.ts summary FILE`); spans per second
// are the file's spans over the run's wall time less the median wall time of the same CLI on a
// one-span file (start-up and module loading), and memory is the process's peak RSS. The other
// commit is checked out with `git worktree` into .cache/cli-baseline-<commit>/ (its node_modules
// linked to this tree's); without git or that commit it is reported as not measured.
// Prints one line of JSON (runCliBenchmark's result), or with --markdown its table.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, range } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_BASELINE = 'dddda88';

/** `n` spans as the seed records them: client spans with a remote endpoint, two tags, an annotation; server spans joined. */
function writeSpanFile(path, n) {
  const lines = [];
  const hex = (x, d) => x.toString(16).padStart(d, '0').slice(-d);
  const t0 = 1_796_000_000_000_000;
  for (let i = 0; i < n; i++) {
    const trace = `${hex(0x4d368a49 + (i >> 4), 8)}75a3ba3efa6b0966c427e0b5`;
    const id = `${hex(0x582ed3d5 + i, 8)}3bbfe502`;
    const ts = t0 + i * 37;
    if (i % 2 === 0) {
      lines.push(JSON.stringify({ traceId: trace, id, parentId: 'b453af781efedf0b', kind: 'CLIENT', name: 'get fragment', timestamp: ts, duration: 150 + (i % 97), localEndpoint: { serviceName: 'proxy' }, remoteEndpoint: { serviceName: 'object-server', ipv4: '127.0.0.1', port: 8000 + (i % 4) }, annotations: [{ timestamp: ts + 40, value: 'wr' }], tags: { 'http.path': `/objects/obj-${hex(i * 2654435761, 8)}/fragment-${i & 3}`, 'http.status_code': '200' } }));
    } else {
      lines.push(JSON.stringify({ traceId: trace, id: `${hex(0x582ed3d5 + i - 1, 8)}3bbfe502`, kind: 'SERVER', name: 'get fragment', timestamp: ts, duration: 90 + (i % 53), shared: true, localEndpoint: { serviceName: 'object-server', ipv4: '127.0.0.1', port: 8000 + (i % 4) }, remoteEndpoint: { ipv4: '127.0.0.1', port: 40000 + (i % 20000) }, tags: { 'http.method': 'GET', 'http.path': `/objects/obj-${hex(i, 8)}`, 'http.status_code': '200' } }));
    }
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

/** The other commit's tree, made once; undefined (with why) when it cannot be had. */
function baselineTree(commit) {
  const dir = join(root, '.cache', `cli-baseline-${commit}`);
  if (existsSync(join(dir, 'src', 'cli', 'main.ts'))) return { dir };
  try {
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', '--force', dir, commit], { stdio: 'ignore' });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    return { dir };
  } catch (error) {
    return { why: `git worktree of ${commit} failed (${String(error.message).split('\n')[0]})` };
  }
}

const PRELOAD = `data:text/javascript,${encodeURIComponent("import { writeSync } from 'node:fs'; process.on('exit', () => writeSync(2, '\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n'));")}`;

function runOnce(tree, file) {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', PRELOAD, join(tree, 'src/cli/main.ts'), 'summary', file], { cwd: tree, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMillis = performance.now() - t;
  if (r.status !== 0) throw new Error(`summary in ${tree} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? NaN) * 1024;
  return { wallMillis, rss };
}

/** Runs it; resolves to plain data. options: spans, runs, baseline (a commit), log. */
export async function runCliBenchmark(options = {}) {
  const o = { spans: 200_000, runs: 7, baseline: DEFAULT_BASELINE, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const log = o.log ?? ((m) => process.stderr.write(`cli: ${m}\n`));
  const dir = mkdtempSync(join(tmpdir(), 'deferred-span-cli-'));
  try {
    const big = join(dir, 'spans.ndjson');
    const one = join(dir, 'one.ndjson');
    writeSpanFile(big, o.spans);
    writeSpanFile(one, 1);
    const trees = [{ key: 'this tree', dir: root }];
    const base = baselineTree(o.baseline);
    if (base.dir) trees.push({ key: `commit ${o.baseline}`, dir: base.dir });
    const samples = Object.fromEntries(trees.map((t) => [t.key, { big: [], one: [], rss: [] }]));
    for (const t of trees) runOnce(t.dir, one); // tsx's cache warm
    log(`${o.runs} runs × ${trees.length} trees × ${o.spans} spans`);
    for (let r = 0; r < o.runs; r++) {
      for (let j = 0; j < trees.length; j++) {
        const t = trees[(j + r) % trees.length];
        const s = samples[t.key];
        s.one.push(runOnce(t.dir, one).wallMillis);
        const b = runOnce(t.dir, big);
        s.big.push(b.wallMillis);
        s.rss.push(b.rss);
      }
    }
    const figures = {};
    for (const t of trees) {
      const s = samples[t.key];
      const startup = median(s.one);
      const rates = s.big.map((w) => o.spans / ((w - startup) / 1000));
      figures[t.key] = { spansPerSecond: median(rates), spansPerSecondRange: range(rates), startupMillis: startup, peakRssBytes: median(s.rss) };
    }
    const ours = figures['this tree'];
    const theirs = figures[`commit ${o.baseline}`];
    return { node: process.versions.node, spans: o.spans, runs: o.runs, baseline: o.baseline, baselineSkipped: base.why, figures, speedup: theirs ? ours.spansPerSecond / theirs.spansPerSecond : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');

export function cliMarkdown(result) {
  const out = [
    `\`deferred-span summary\` over an NDJSON file of ${fmt(result.spans)} seed-like spans (half CLIENT with a remote endpoint, two tags and an annotation; half joined SERVER spans with three tags), ${result.runs} fresh processes per tree, interleaved (Node ${result.node}). Spans per second: the file's spans over the run's wall time less the start-up (the median run on a one-span file); memory: peak RSS.`,
    '',
    '| tree | spans per second | range | start-up ms | peak RSS MiB |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const [key, f] of Object.entries(result.figures)) out.push(`| ${key} | ${fmt(f.spansPerSecond)} | ${fmt(f.spansPerSecondRange[0])}–${fmt(f.spansPerSecondRange[1])} | ${fmt(f.startupMillis)} | ${fmt(f.peakRssBytes / 1048576, 1)} |`);
  out.push('');
  if (result.speedup !== undefined) out.push(`This tree ÷ commit ${result.baseline}: **${fmt(result.speedup, 2)}×** the spans per second (target ≥ 1.8: ${result.speedup >= 1.8 ? 'met' : '**missed**'}).`, '');
  if (result.baselineSkipped) out.push(`Commit ${result.baseline} not measured: ${result.baselineSkipped}.`, '');
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values: a } = parseArgs({ options: { spans: { type: 'string' }, runs: { type: 'string' }, baseline: { type: 'string' }, markdown: { type: 'boolean', default: false } } });
  const result = await runCliBenchmark({ spans: a.spans && Number(a.spans), runs: a.runs && Number(a.runs), baseline: a.baseline });
  process.stdout.write((a.markdown ? cliMarkdown(result) : JSON.stringify(result)) + '\n');
}
