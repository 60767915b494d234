import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** Every .ts file under src/, with the src/ files it imports (type-only imports included: a circle of types is still a circle to read). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?from\s+'(\.{1,2}\/[^']+)'/gms)].map((m) => resolve(dirname(path), m[1]!.replace(/\.js$/, '.ts')));
        graph.set(path, targets);
      }
    }
  };
  walk(src);
  return graph;
}

test('the modules of src/ import each other without a circle, so the data flow reads one way', () => {
  const graph = importGraph();
  assert.ok(graph.size > 20, 'the source tree was read');
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(node)), node].map((p) => relative(src, p)).join(' -> '));
      return;
    }
    state.set(node, 'visiting');
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  assert.deepEqual(cycles, []);
});

test('every relative import in src/ names a file that exists', () => {
  const graph = importGraph();
  const missing = [...graph.entries()].flatMap(([from, targets]) => targets.filter((t) => !graph.has(t)).map((t) => `${relative(src, from)} -> ${relative(src, t)}`));
  assert.deepEqual(missing, []);
});
