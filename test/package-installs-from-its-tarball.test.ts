// The package as a user gets it. A copy of this tree is packed with `npm pack` (its prepack builds
// dist/), the tarball is installed into two new projects offline, from the npm cache that `npm ci`
// filled, and it is used there as a user would use it: ESM imports of every entry point, require(),
// the declarations under TypeScript 5.9 and 7 with three module resolutions, and the CLI.
//
// Offline installs need a lockfile: `npm install` resolves what it adds from full packuments,
// which `npm ci` never caches. So each project gets a package-lock.json made of this repository's
// own entries for the packages it needs (their tarballs are in the cache, found by integrity), plus
// one for the tarball, and `npm ci --offline` installs it.
// The tree is packed from a copy so that a build here never rewrites the dist/ of a working tree
// that another `npm test` may be reading.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Not copied for packing: what git ignores at the top, and what `npm pack` would never take. */
const NOT_COPIED = new Set(['node_modules', '.git', '.cache', 'dist', 'coverage', '.zipkin-test']);

/** What the typed project has besides deferred-span: both compilers, Node's types and each framework's types. */
const TYPED_DEPENDENCIES = ['typescript', 'typescript7', '@types/node', '@types/express', '@types/koa', 'fastify', 'hono'];

const TSCS = [
  { name: 'TypeScript 5.9', dependency: 'typescript' },
  { name: 'TypeScript 7', dependency: 'typescript7' },
] as const;

const RESOLUTIONS = [
  { moduleResolution: 'nodenext', module: 'nodenext' },
  { moduleResolution: 'node16', module: 'node16' },
  { moduleResolution: 'bundler', module: 'esnext' },
] as const;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface LockEntry {
  name?: string;
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface PackedFile {
  readonly path: string;
  readonly size: number;
}

interface Manifest {
  name: string;
  version: string;
  license?: string;
  type?: string;
  engines?: Record<string, string>;
  repository?: { type?: string; url?: string };
  homepage?: string;
  bugs?: { url?: string };
  exports: Record<string, string | Record<string, string>>;
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

let work = '';
let tarball = '';
let packed: readonly PackedFile[] = [];
/** A project with deferred-span alone: no framework, no TypeScript. */
let bare = '';
/** A project with deferred-span, both TypeScripts, @types/node and the four frameworks' types. */
let typed = '';
let installed = '';
let manifest: Manifest;
let userInstall: Run;
let ciOutput = '';

/** The environment for every child: none of the `npm test` process's npm_* settings (its
 * npm_config_local_prefix would point a child npm back at this repository), and the Node that runs
 * this test first on PATH, so npm, npx and the CLI's `#!/usr/bin/env node` all run on it. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && key !== 'NODE_TEST_CONTEXT' && key !== 'NODE_OPTIONS') env[key] = value;
  }
  if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;
  env.PATH = [path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter);
  env.NO_COLOR = '1';
  delete env.FORCE_COLOR;
  return env;
}

function run(cmd: string, args: readonly string[], cwd: string, timeoutMillis = 300_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMillis });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: signal ? null : code, stdout, stderr: signal ? `${stderr}\n(killed by ${signal})` : stderr }));
  });
}

const node = (args: readonly string[], cwd: string): Promise<Run> => run(process.execPath, args, cwd);

/** npm itself: the one running `npm test` when there is one, else the npm on PATH (next to this Node first). */
function npm(args: readonly string[], cwd: string): Promise<Run> {
  const cli = process.env.npm_execpath;
  return cli && /npm-cli\.c?js$/.test(cli) ? run(process.execPath, [cli, ...args], cwd) : run('npm', args, cwd);
}

const output = (r: Run): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** The package-lock.json entries for `names` and everything they need, as this repository's lockfile has them. */
function lockEntries(names: readonly string[]): Record<string, LockEntry> {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const all = lock.packages;
  const resolveFrom = (from: string, name: string): string | undefined => {
    for (let dir = from; ; ) {
      const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (all[key]) return key;
      if (!dir) return undefined;
      const up = dir.lastIndexOf('/node_modules/');
      dir = up < 0 ? '' : dir.slice(0, up);
    }
  };
  const picked: Record<string, LockEntry> = {};
  const queue: { from: string; name: string; optional: boolean; why: string }[] = names.map((name) => ({ from: '', name, optional: false, why: 'the test project' }));
  for (let item = queue.shift(); item; item = queue.shift()) {
    const key = resolveFrom(item.from, item.name);
    if (key === undefined) {
      if (item.optional) continue;
      throw new Error(`package-lock.json has no ${item.name} (needed by ${item.why}): add it to devDependencies and run \`npm install\``);
    }
    if (picked[key]) continue;
    const { dev: _dev, devOptional, peer: _peer, ...entry } = all[key]!;
    if (devOptional) entry.optional = true;
    // Where the tarball came from (npm leaves it out of lockfiles with omit-lockfile-registry-resolved):
    // without it npm looks the version up in a packument, which may not be cached; with it and the
    // integrity, the tarball comes straight from the cache, whatever registry filled it.
    if (typeof entry.resolved !== 'string' && !entry.link) {
      const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      entry.resolved = `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
    }
    picked[key] = entry;
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    for (const name of Object.keys(entry.dependencies ?? {})) queue.push({ from: key, name, optional: false, why: key });
    for (const name of Object.keys(entry.optionalDependencies ?? {})) queue.push({ from: key, name, optional: true, why: key });
    for (const name of Object.keys(entry.peerDependencies ?? {})) queue.push({ from: key, name, optional: optionalPeers[name]?.optional === true, why: key });
  }
  return picked;
}

/** Writes a project depending on the tarball and on `names` (at this repository's versions), with its lockfile. */
function writeProject(dir: string, names: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  const spec = `file:${path.relative(dir, tarball).split(path.sep).join('/')}`;
  const entries = lockEntries([...names, ...Object.keys(manifest.dependencies ?? {})]);
  const dependencies: Record<string, string> = { 'deferred-span': spec };
  for (const name of names) {
    const entry = entries[`node_modules/${name}`]!;
    dependencies[name] = entry.name && entry.name !== name ? `npm:${entry.name}@${entry.version}` : String(entry.version);
  }
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const { version, license, dependencies: deps, peerDependencies, peerDependenciesMeta, engines } = manifest;
  const bin = Object.fromEntries(Object.entries(manifest.bin ?? {}).map(([k, v]) => [k, v.replace(/^\.\//, '')]));
  const self = { version, resolved: spec, integrity, license, dependencies: deps, peerDependencies, peerDependenciesMeta, bin, engines };
  const project = { name: path.basename(dir), version: '1.0.0', private: true, type: 'module', dependencies };
  const lock = {
    name: project.name,
    version: project.version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: project.name, version: project.version, dependencies }, 'node_modules/deferred-span': self, ...entries },
  };
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(project, null, 2)}\n`);
  writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
}

async function installOffline(dir: string): Promise<Run> {
  const ci = await npm(['ci', '--offline', '--no-audit', '--no-fund'], dir);
  if (ci.code !== 0) {
    const missing = /ENOTCACHED|only-if-cached/.test(ci.stderr)
      ? '\nThe npm cache lacks a package this repository\'s package-lock.json names: run `npm ci` here first (it fills the cache), then this test again.'
      : '';
    throw new Error(`npm ci --offline failed in ${dir}${missing}\n${output(ci)}`);
  }
  return ci;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'deferred-span-package-'));
  const tree = path.join(work, 'tree');
  cpSync(root, tree, { recursive: true, filter: (src) => !NOT_COPIED.has(path.relative(root, src).split(path.sep)[0]!) && !/\.(tgz|log)$/.test(src) });
  symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'), 'dir');

  const pack = await npm(['pack', '--json', '--pack-destination', work], tree);
  assert.equal(pack.code, 0, `npm pack failed\n${output(pack)}`);
  const json = pack.stdout.slice(pack.stdout.search(/^\[/m));
  const [info] = JSON.parse(json) as [{ filename: string; files: PackedFile[] }];
  tarball = path.join(work, info.filename);
  packed = info.files;
  manifest = JSON.parse(readFileSync(path.join(tree, 'package.json'), 'utf8')) as Manifest;

  bare = path.join(work, 'bare-app');
  typed = path.join(work, 'typed-app');
  writeProject(bare, []);
  writeProject(typed, TYPED_DEPENDENCIES);
  const [bareCi] = await Promise.all([installOffline(bare), installOffline(typed)]);
  ciOutput = bareCi.stdout + bareCi.stderr;
  // What a user types to add the tarball to a project (here, one that already has its dependencies).
  userInstall = await npm(['install', '--offline', '--no-audit', '--no-fund', path.relative(bare, tarball)], bare);
  assert.equal(userInstall.code, 0, `npm install of the tarball failed\n${output(userInstall)}`);
  installed = path.join(bare, 'node_modules', 'deferred-span');
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds dist/, README.md, LICENSE and package.json: nothing from test/ or src/, and no source map pointing at files it lacks', () => {
  const paths = new Set(packed.map((f) => f.path));
  for (const required of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']) {
    assert.ok(paths.has(required), `${required} is not in the tarball`);
  }
  const stray = [...paths].filter((p) => !/^dist\//.test(p) && !['LICENSE', 'README.md', 'package.json'].includes(p));
  assert.deepEqual(stray, [], 'only dist/ and the three top-level files ship');
  assert.deepEqual([...paths].filter((p) => /^(test|src)\//.test(p) || /\.test\.|\.tgz$|tsbuildinfo/.test(p)), []);

  // Every file package.json points at is there.
  const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})];
  for (const entry of Object.values(manifest.exports)) targets.push(...(typeof entry === 'string' ? [entry] : Object.values(entry)));
  for (const target of targets) {
    if (target !== undefined) assert.ok(paths.has(path.posix.normalize(target)), `package.json points at ${target}, which is not in the tarball`);
  }

  // A source map is only of use if what it names is there (or inlined): with --enable-source-maps a
  // stack would otherwise name files that do not exist.
  const shipped = filesUnder(installed);
  for (const file of shipped.filter((f) => f.endsWith('.js'))) {
    const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(path.join(installed, file), 'utf8'))?.[1];
    if (url && !url.startsWith('data:')) assert.ok(paths.has(path.posix.join(path.posix.dirname(file), url)), `${file} names the map ${url}, which is not in the tarball`);
  }
  for (const file of shipped.filter((f) => f.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(path.join(installed, file), 'utf8')) as { sources: string[]; sourceRoot?: string; sourcesContent?: (string | null)[] };
    map.sources.forEach((source, i) => {
      if (typeof map.sourcesContent?.[i] === 'string') return;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), map.sourceRoot ?? '', source));
      assert.ok(paths.has(target), `${file} maps to ${source} (${target}), which is neither in the tarball nor inlined`);
    });
  }

  const license = readFileSync(path.join(installed, 'LICENSE'), 'utf8');
  assert.match(license, /^\s*Apache License\s+Version 2\.0, January 2004/);
  assert.match(license, /END OF TERMS AND CONDITIONS/);
});

test('package.json says where the code, home page and issues are, the licence, the Node versions, and exports types for every entry point', () => {
  const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Manifest;
  assert.equal(pkg.license, 'Apache-2.0');
  assert.equal(pkg.type, 'module');
  assert.deepEqual(pkg.repository, { type: 'git', url: 'git+https://github.com/deferred-span/deferred-span.git' });
  assert.equal(pkg.homepage, 'https://github.com/deferred-span/deferred-span#readme');
  assert.deepEqual(pkg.bugs, { url: 'https://github.com/deferred-span/deferred-span/issues' });
  assert.equal(pkg.engines?.node, '>=20');
  assert.equal(pkg.exports['./package.json'], './package.json');
  for (const [subpath, entry] of Object.entries(pkg.exports)) {
    if (subpath === './package.json') continue;
    assert.ok(typeof entry === 'object', `exports["${subpath}"] has conditions`);
    assert.deepEqual(Object.keys(entry), ['types', 'default'], `exports["${subpath}"]: "types" first, then "default"`);
    assert.equal(entry.types, entry.default!.replace(/\.js$/, '.d.ts'));
  }
});

test('installing the tarball prints no install-script warning', () => {
  for (const text of [ciOutput, userInstall.stdout + userInstall.stderr]) {
    assert.doesNotMatch(text, /install[- ]scripts?/i, `npm warned about install scripts:\n${text}`);
  }
  const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Manifest;
  const scripts = Object.keys(pkg.scripts ?? {}).filter((s) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(s));
  assert.deepEqual(scripts, [], 'no script that npm runs or flags when the package is installed');
});

test('every export path imports as ESM in a project without any of the frameworks installed', async () => {
  for (const framework of ['express', 'fastify', 'koa', 'hono']) assert.equal(existsSync(path.join(bare, 'node_modules', framework)), false);
  const subpaths = Object.keys(manifest.exports).filter((s) => s !== './package.json');
  assert.ok(subpaths.length >= 5, `exports: ${subpaths.join(', ')}`);
  const script = `
    import { createRequire } from 'node:module';
    const found = {};
    for (const subpath of ${JSON.stringify(subpaths)}) {
      const spec = 'deferred-span' + subpath.slice(1);
      const module = await import(spec);
      found[subpath] = { resolved: import.meta.resolve(spec), functions: Object.keys(module).filter((k) => typeof module[k] === 'function').sort() };
    }
    found.packageJson = createRequire(import.meta.url)('deferred-span/package.json').version;
    console.log(JSON.stringify(found));
  `;
  writeFileSync(path.join(bare, 'imports.mjs'), script);
  const r = await node(['imports.mjs'], bare);
  assert.equal(r.code, 0, output(r));
  const found = JSON.parse(r.stdout) as Record<string, { resolved: string; functions: string[] }> & { packageJson: string };
  assert.equal(found.packageJson, manifest.version);
  for (const subpath of subpaths) {
    assert.match(found[subpath]!.resolved, /\/node_modules\/deferred-span\/dist\/.+\.js$/, subpath);
  }
  for (const name of ['createTracer', 'traced', 'configure', 'ndjsonFileSink', 'memorySink', 'zipkinHttpSink', 'extractB3']) {
    assert.ok(found['.']!.functions.includes(name), `deferred-span exports the function ${name}`);
  }
  for (const framework of ['./express', './fastify', './koa', './hono']) {
    assert.ok(found[framework]!.functions.includes('tracing'), `deferred-span${framework.slice(1)} exports tracing`);
  }
});

test("require('deferred-span') works through require(esm) where this Node has it, and fails with ERR_REQUIRE_ESM where it has not", async () => {
  writeFileSync(path.join(bare, 'require.cjs'), "const m = require('deferred-span');\nconsole.log(typeof m.createTracer, typeof m.traced);\n");
  const r = await node(['require.cjs'], bare);
  const refused = (run: Run): void => {
    assert.notEqual(run.code, 0, output(run));
    assert.match(run.stderr, /ERR_REQUIRE_ESM/, output(run));
    assert.match(run.stderr, /require\(\) of ES Module .*node_modules\/deferred-span\/dist\/index\.js .*not supported/, output(run));
  };
  if ((process.features as { require_module?: boolean }).require_module === true) {
    assert.equal(r.code, 0, `Node ${process.version} has require(esm), yet require failed:\n${output(r)}`);
    assert.equal(r.stdout.trim(), 'function function');
    // With require(esm) turned off, as on Node < 20.19 and 22.0–22.11, the error a user then sees.
    if (process.allowedNodeEnvironmentFlags.has('--no-experimental-require-module')) refused(await node(['--no-experimental-require-module', 'require.cjs'], bare));
  } else {
    refused(r);
  }
});

/** A consumer of everything the declarations describe: each `@ts-expect-error` also fails if what it
 * guards has silently become `any` (a declaration whose import did not resolve). */
const CONSUMER = `
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import { createTracer, memorySink, traced, type Span, type SpanContext, type Tracer } from 'deferred-span';
  import { errorTracing, tracing as expressTracing } from 'deferred-span/express';
  import { tracing as fastifyTracing, type FastifyTracingOptions } from 'deferred-span/fastify';
  import { tracing as honoTracing, type TracingEnv } from 'deferred-span/hono';
  import { tracing as koaTracing, type TracingState } from 'deferred-span/koa';
  import type { ErrorRequestHandler, RequestHandler } from 'express';
  import type { FastifyPluginCallback } from 'fastify';
  import type { MiddlewareHandler } from 'hono';
  import type { Middleware } from 'koa';

  const tracer: Tracer = createTracer({ serviceName: 'consumer', sink: memorySink(), sampleRate: 1 });

  const readStatus = tracer.traced(async (span: Span, url: string): Promise<number> => {
    const response: Response = await span.fetch(url, { method: 'GET' });
    span.tag('http.status_code', response.status).annotate('read');
    return response.status;
  }, { name: 'read status', kind: 'CLIENT' });
  export const status: Promise<number> = readStatus('http://127.0.0.1:9/');
  // @ts-expect-error: a traced function keeps its parameter types
  void readStatus(9);

  const double = traced(async (_span, n: number) => n * 2, { name: 'double' });
  export const doubled: Promise<number> = double(21);
  export const context: SpanContext = tracer.startSpan('job').context;

  export const listener: (req: IncomingMessage, res: ServerResponse) => void = tracer.httpHandler(async (span, req, res) => {
    await span.fetch('http://127.0.0.1:9/');
    // @ts-expect-error: req is node's IncomingMessage
    res.end(req.notAField);
  });

  export const expressMiddleware: RequestHandler = expressTracing(tracer, { join: false });
  export const expressErrors: ErrorRequestHandler = errorTracing();
  export const expressRoute: RequestHandler = (req, res) => {
    const span: Span = req.span;
    // @ts-expect-error: req.span is a Span
    res.send(span.notAField);
  };
  export const fastifyPlugin: FastifyPluginCallback<FastifyTracingOptions> = fastifyTracing;
  export const koaMiddleware: Middleware<TracingState> = koaTracing(tracer);
  export const honoMiddleware: MiddlewareHandler<TracingEnv> = honoTracing(tracer);
`;

/** A consumer that uses only the main entry and never names a Node module itself. */
const PLAIN_CONSUMER = `
  import { createTracer, memorySink, traced } from 'deferred-span';

  const tracer = createTracer({ serviceName: 'plain', sink: memorySink() });
  export const doubled: Promise<number> = traced(async (_span, n: number) => n * 2)(21);
  export const handler = tracer.httpHandler(async (span, req, res) => {
    await span.fetch('http://127.0.0.1:9/');
    // @ts-expect-error: req is node's IncomingMessage, not any
    res.end(req.notAField);
  });
`;

test('the declarations type-check for a strict consumer under TypeScript 5.9 and 7, with moduleResolution nodenext, node16 and bundler', { concurrency: true }, async (t) => {
  mkdirSync(path.join(typed, 'src'), { recursive: true });
  writeFileSync(path.join(typed, 'src', 'consumer.ts'), CONSUMER);
  writeFileSync(path.join(typed, 'src', 'plain.ts'), PLAIN_CONSUMER);
  const checks = [
    ...TSCS.flatMap((tsc) => RESOLUTIONS.map((resolution) => ({ tsc, ...resolution, file: 'consumer.ts', types: ['node'] as string[] | undefined }))),
    // TypeScript 7 loads no @types package unless `types` lists it: the declarations must then
    // bring Node's types in themselves (`/// <reference types="node" preserve="true" />`).
    { tsc: TSCS[1], moduleResolution: 'nodenext', module: 'nodenext', file: 'plain.ts', types: undefined },
  ];
  await Promise.all(checks.map(({ tsc, moduleResolution, module, file, types }) => {
    const name = `${tsc.name}, moduleResolution ${moduleResolution}${types ? '' : ', no "types" listed'}`;
    return t.test(name, async () => {
      const config = `tsconfig.${tsc.dependency}.${moduleResolution}.${file}.json`;
      writeFileSync(path.join(typed, config), JSON.stringify({
        compilerOptions: {
          target: 'es2022', lib: ['es2022'], module, moduleResolution, ...(types ? { types } : {}),
          strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true,
        },
        files: [`src/${file}`],
      }));
      const bin = path.join(typed, 'node_modules', tsc.dependency, 'bin', 'tsc');
      const version = await node([bin, '--version'], typed);
      assert.match(version.stdout, tsc.dependency === 'typescript7' ? /Version 7\./ : /Version 5\.9\./, `${tsc.name} does not run (for TypeScript 7, is the npm cache missing its platform package?):\n${output(version)}`);
      const r = await node([bin, '-p', config], typed);
      assert.equal(r.code, 0, `${name} (${version.stdout.trim()}):\n${r.stdout}${r.stderr}`);
    });
  }));
});

test('the public declarations do not expose zod types', () => {
  const mentions = filesUnder(path.join(installed, 'dist'))
    .filter((f) => f.endsWith('.d.ts'))
    .filter((f) => /\bzod\b/.test(readFileSync(path.join(installed, 'dist', f), 'utf8')));
  assert.deepEqual(mentions, [], "declarations that mention zod: a user's types would then depend on zod's");
});

test('npx deferred-span --help works, and view draws a trace recorded with the installed package', async () => {
  const help = await npm(['exec', '--offline', '--no', '--', 'deferred-span', '--help'], bare);
  assert.equal(help.code, 0, output(help));
  assert.match(help.stdout, /^Usage: deferred-span <command>/m);
  const version = await npm(['exec', '--offline', '--no', '--', 'deferred-span', '--version'], bare);
  assert.equal(version.code, 0, output(version));
  assert.match(version.stdout, new RegExp(`\\b${manifest.version.replaceAll('.', '\\.')}\\b`));

  writeFileSync(path.join(bare, 'record.mjs'), `
    import { createTracer, ndjsonFileSink } from 'deferred-span';
    const tracer = createTracer({ serviceName: 'packaged-app', sink: ndjsonFileSink(process.argv[2]) });
    const job = tracer.startSpan('nightly job');
    const step = job.traced(async (span, n) => { span.annotate('step ' + n + ' done'); return n; }, { name: 'step' });
    await Promise.all([step(1), step(2)]);
    job.end();
    const result = await tracer.close();
    if (!result.complete) throw new Error('spans not delivered: ' + JSON.stringify(result));
  `);
  const recorded = await node(['record.mjs', 'spans.ndjson'], bare);
  assert.equal(recorded.code, 0, output(recorded));
  assert.equal(readFileSync(path.join(bare, 'spans.ndjson'), 'utf8').trim().split('\n').length, 3);

  const view = await npm(['exec', '--offline', '--no', '--', 'deferred-span', 'view', 'spans.ndjson', '--no-color', '--width', '100'], bare);
  assert.equal(view.code, 0, output(view));
  assert.match(view.stdout, / · 3 spans · 1 service/);
  assert.match(view.stdout, /^packaged-app: nightly job /m);
  assert.equal(view.stdout.match(/^ {2}packaged-app: step /gm)?.length, 2, view.stdout);
  assert.match(view.stdout, /· step 1 done/);
});
