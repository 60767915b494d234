// The README's TypeScript snippets are what users copy: each one is type-checked against the real
// API (with declared stubs for its placeholders, like req, res and fragmentUrls), so none can rot.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Placeholders the snippets use without defining them, declared only where a snippet does not define them itself. */
const STUBS: Record<string, string> = {
  req: "declare const req: import('node:http').IncomingMessage;",
  res: "declare const res: import('node:http').ServerResponse;",
  tracer: "declare const tracer: import('deferred-span').Tracer;",
  fragmentUrls: 'declare const fragmentUrls: string[];',
  decode: 'declare function decode(fragments: ArrayBuffer[]): string;',
  token: 'declare const token: string;',
  fs: "import * as fs from 'node:fs';",
  listImages: 'declare function listImages(): AsyncIterable<{ key: string }>;',
  workerUrl: 'declare const workerUrl: string;',
  handle: 'declare function handle(item: string): Promise<void>;',
  // Snippets that continue an earlier one use its imports.
  extractB3: "import { extractB3 } from 'deferred-span';",
  zipkinHttpSink: "import { zipkinHttpSink } from 'deferred-span';",
};

test("every TypeScript block in the README type-checks against the library's real types", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 5, `found ${blocks.length} ts blocks`);
  // A directory of this run's own: `npm test` runs several Node versions at once, and other runs
  // may share the tree. Two levels below the root, as the tsconfig below expects.
  mkdirSync(join(root, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, '.cache', 'readme-snippets-'));
  try {
    blocks.forEach((code, i) => {
      const defines = (name: string): boolean => new RegExp(`\\b(?:const|let|var|function)\\s+${name}\\b|import[^;]*\\b${name}\\b[^;]*from`).test(code);
      const used = Object.keys(STUBS).filter((name) => new RegExp(`\\b${name}\\b`).test(code) && !defines(name));
      const body = code.replaceAll("from 'deferred-span'", `from '${join(root, 'src/index.js')}'`);
      const stubs = used.map((n) => STUBS[n]!.replaceAll("'deferred-span'", `'${join(root, 'src/index.js')}'`));
      writeFileSync(join(dir, `snippet-${i + 1}.ts`), `// README snippet ${i + 1}\n${stubs.join('\n')}\n${body}\nexport {};\n`);
    });
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '../..' }, include: ['*.ts'] }));
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    assert.equal(run.status, 0, `README snippets do not type-check:\n${run.stdout}${run.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
