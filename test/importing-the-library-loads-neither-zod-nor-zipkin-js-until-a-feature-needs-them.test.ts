// Importing deferred-span and recording spans loads neither zod nor zipkin-js: each costs more to
// load than the rest of the library (benchmarks/import.mjs). zipkin-js loads with the Logger sink,
// zod with readSpanFile (and the CLI). A child process reports every module it loaded: ES modules
// through a load hook, CommonJS ones through require.cache (Node 20's hooks do not see require()).
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runToEnd } from './helpers/process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SPAN_FILE = fileURLToPath(new URL('./fixtures/cli-run-a.ndjson', import.meta.url));

/** The built package when it is newer than every source file (what users import), else src/ through tsx. */
function target(): { args: string[]; specifier: string; what: string } {
  const built = join(root, 'dist', 'index.js');
  let builtAt = 0;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    // not built
  }
  const src = join(root, 'src');
  const stale = readdirSync(src, { recursive: true }).some((f) => String(f).endsWith('.ts') && statSync(join(src, String(f))).mtimeMs > builtAt);
  return stale
    ? { args: ['--import', 'tsx'], specifier: './src/index.ts', what: 'src/ through tsx (dist/ is missing or older than src/; `npm run build` checks the built package)' }
    : { args: [], specifier: 'deferred-span', what: 'the built package, dist/' };
}

// Runs in the hooks thread: appends each ES module's URL to the log as it is loaded.
const HOOKS = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) { appendFileSync(log, url + '\\n'); return next(url, context); }
`;

const REGISTER = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), { data: { log: process.env.LOADED_MODULES_LOG } });
`;

test('importing the library and recording spans loads neither zod nor zipkin-js; the Logger sink loads zipkin-js and readSpanFile zod', async (t) => {
  const { args, specifier, what } = target();
  t.diagnostic(`importing ${what}`);
  const log = join(root, '.cache', `loaded-modules-${process.pid}.log`);
  const child = `
    import { readFileSync, rmSync } from 'node:fs';
    import { createRequire } from 'node:module';
    import { createTracer, memorySink } from '${specifier}';
    const loaded = () => [
      ...readFileSync(process.env.LOADED_MODULES_LOG, 'utf8').split('\\n').filter(Boolean),
      ...Object.keys(createRequire(import.meta.url).cache),
    ];
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'light', sink, warnings: false });
    await tracer.traced(async (span) => span.tag('k', 'v'), { name: 'one' })();
    tracer.startSpan('two').end();
    await tracer.close();
    const core = loaded();
    const { zipkinLoggerSink, readSpanFile } = await import('${specifier}');
    zipkinLoggerSink({ logSpan() {} });
    const { spans } = await readSpanFile(${JSON.stringify(SPAN_FILE)});
    const used = loaded();
    rmSync(process.env.LOADED_MODULES_LOG, { force: true });
    console.log(JSON.stringify({ recorded: sink.spans.map((s) => s.name), read: spans.length, core, used }));
  `;
  const run = await runToEnd(process.execPath, [...args, '--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--input-type=module', '-e', child], {
    cwd: root,
    env: { ...process.env, LOADED_MODULES_LOG: log },
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { recorded: string[]; read: number; core: string[]; used: string[] };
  assert.deepEqual(result.recorded, ['one', 'two'], 'the spans were recorded');
  assert.ok(result.core.some((m) => /\/(dist|src)\/index\.(js|ts)$/.test(m)), 'the hook saw the library itself being loaded');

  const of = (pkg: string) => (m: string) => m.replace(/\\/g, '/').includes(`/node_modules/${pkg}/`);
  assert.deepEqual(result.core.filter(of('zod')), [], 'no module of zod was loaded');
  assert.deepEqual(result.core.filter(of('zipkin')), [], 'no module of zipkin-js was loaded');

  // The same report sees them once a feature needs them.
  assert.equal(result.read, 6, 'readSpanFile read the spans of the file');
  assert.ok(result.used.some(of('zod')), 'readSpanFile loaded zod');
  assert.ok(result.used.some(of('zipkin')), 'zipkinLoggerSink loaded zipkin-js');
});
