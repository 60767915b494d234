import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.[cm]?[jt]s$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

// Ways to run a string as code. Comments are stripped first so that prose may mention them.
const DYNAMIC_CODE: [string, RegExp][] = [
  ['eval', /\beval\s*\(/],
  ['new Function', /\bnew\s+Function\s*\(/],
  ['Function constructor call', /(?<![\w.])Function\s*\(/],
  ['node:vm', /['"](?:node:)?vm['"]/],
  ['vm.', /\bvm\.\w/],
  ['string timer', /\bset(?:Timeout|Interval|Immediate)\s*\(\s*['"`]/],
  ['import of a computed specifier', /\bimport\s*\(\s*(?!['"])/],
];

test('no source file in src/ runs strings as code', () => {
  const files = sourceFiles(join(root, 'src'));
  assert.ok(files.length > 10, `found ${files.length} files`);
  for (const file of files) {
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    for (const [what, pattern] of DYNAMIC_CODE) assert.doesNotMatch(code, pattern, `${what} in ${file}`);
  }
});

test('the lint rules against dynamic code are errors for every source file', async () => {
  const eslint = new ESLint({ cwd: root });
  for (const file of sourceFiles(join(root, 'src'))) {
    const config = (await eslint.calculateConfigForFile(file)) as { rules: Record<string, unknown[]> };
    for (const rule of ['no-eval', 'no-implied-eval', 'no-new-func']) {
      assert.equal(config.rules[rule]?.[0], 2, `${rule} for ${file}`);
    }
  }
});
