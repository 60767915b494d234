#!/usr/bin/env node
// `npm run build`: the declarations from tsc, the JavaScript bundled by esbuild. One file per entry
// point (the package, each framework subpath, the CLI) plus shared chunks: Node pays a cost per ES
// module file it loads, about half of the package's import time when it shipped tsc's 46 files.
// Dependencies stay external; lazily loaded parts (the HTTP sink's transport) stay separate chunks.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--emitDeclarationOnly'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

await build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts', 'src/frameworks/express.ts', 'src/frameworks/fastify.ts', 'src/frameworks/koa.ts', 'src/frameworks/hono.ts', 'src/deliver/kafka.ts', 'src/cli/main.ts'],
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  // Readable output, as tsc's was: stack traces name real lines of real files.
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
