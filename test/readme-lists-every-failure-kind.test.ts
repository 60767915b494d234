import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DIAGNOSTIC_KINDS } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

test("the README's table of failure kinds is the registry: every kind, its stage, meaning and fix, in order", () => {
  const section = /<!-- kinds -->\n([\s\S]*?)<!-- \/kinds -->/.exec(readme);
  assert.ok(section, 'the README has a <!-- kinds --> table');
  const rows = section[1]!.split('\n').filter((line) => line.startsWith('| `'));
  const listed = rows.map((row) => row.split(' | ').map((cell) => cell.replace(/^\| |`| \|$/g, '')));
  const registry = Object.entries(DIAGNOSTIC_KINDS).map(([kind, info]) => [kind, info.stage, info.meaning, info.fix]);
  assert.deepEqual(listed, registry, 'regenerate it: node --import tsx scripts/readme-kinds.ts');
});

test('every kind the source reports is in the registry (a typo would not compile; this catches kinds built from strings)', () => {
  const src = ['record/tracer.ts', 'record/span.ts', 'deliver/engine.ts', 'deliver/zipkin-http.ts', 'jobs/map.ts', 'model/endpoint.ts'];
  const reported = new Set<string>();
  for (const file of src) {
    const text = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
    for (const m of text.matchAll(/(?:report|complain|complainOn\(\w+,|discard\(\d+,)\s*\(?\s*'([A-Z][A-Z0-9_]+)'/g)) reported.add(m[1]!);
    for (const m of text.matchAll(/kind: '([A-Z][A-Z0-9_]+)'/g)) if (!['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'].includes(m[1]!)) reported.add(m[1]!);
  }
  assert.ok(reported.size >= 10, `found ${reported.size} kinds in the source`);
  for (const kind of reported) assert.ok(kind in DIAGNOSTIC_KINDS, `${kind} is reported but not in DIAGNOSTIC_KINDS`);
});
