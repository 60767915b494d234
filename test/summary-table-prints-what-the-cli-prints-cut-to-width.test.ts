import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRuns, formatSummaryTable, OptionsError, summarize } from '../src/index.js';

const T = 1_764_000_000_000_000;
const spans = (name: string, durations: number[], service = 'bench') =>
  durations.map((duration, i) => ({ traceId: '4e441824ec2b6a44', name, timestamp: T + i * 10_000, duration, localEndpoint: { serviceName: service } }));
const steady = (median: number, n: number) => Array.from({ length: n }, (_, i) => Math.round(median * (0.8 + (0.4 * ((i * 7919) % n)) / n)));

test('a summary without a file starts with its counts, then the table', () => {
  const text = formatSummaryTable(summarize(spans('parse', [100, 200, 300, 400])));
  const lines = text.split('\n');
  assert.match(lines[0]!, /^4 spans in 1 trace, 0 with errors, /);
  assert.equal(lines[1], '');
  assert.match(lines[3]!, /^bench\s+parse\s+4\s+0\s+100µs\s+200µs\s+400µs\s+400µs\s+400µs\s+250µs\s+/);
  assert.ok(!text.endsWith('\n'));
});

test('width cuts long service and span names with … so every table line fits, down to 12 characters', () => {
  const long = 'a-very-long-span-name-that-goes-on-and-on';
  const s = summarize(spans(long, [100, 200], 'a-service-with-a-long-name'));
  const wide = formatSummaryTable(s);
  assert.ok(wide.includes(long));
  const narrow = formatSummaryTable(s, { width: 100 });
  const rows = narrow.split('\n').slice(2);
  for (const row of rows) assert.ok([...row].length <= 100, `${[...row].length}: ${row}`);
  assert.match(narrow, /\na-service-with-a… {2}a-very-long-span… {6}2\s/);
  // Too narrow even with names at 12 characters: names stop at 12, the figures stay whole.
  assert.match(formatSummaryTable(s, { width: 40 }), /\na-service-w…\s+a-very-long…\s+2\s+0\s+100µs/);
});

test('a comparison is coloured only when asked: red slower, green faster', () => {
  const c = compareRuns([...spans('parse', steady(1000, 400)), ...spans('write', steady(2000, 400))], [...spans('parse', steady(1300, 400)), ...spans('write', steady(1500, 400))]);
  assert.deepEqual(c.rows.map((r) => [r.name, r.verdict]), [['parse', 'slower'], ['write', 'faster']]);
  const plain = formatSummaryTable(c);
  assert.ok(!plain.includes('\u001b['));
  const coloured = formatSummaryTable(c, { color: true });
  const ESC = '\u001b';
  assert.ok(coloured.includes(`${ESC}[31mslower${ESC}[0m`));
  assert.ok(coloured.includes(`${ESC}[32mfaster${ESC}[0m`));
  // Colour goes on after layout: the lines are as wide as without it.
  assert.deepEqual(coloured.split(ESC).map((part, i) => (i === 0 ? part : part.replace(/^\[\d+m/, ''))).join(''), plain);
});

test('bad options are an OptionsError naming the option and the fix', () => {
  const s = summarize(spans('parse', [1]));
  assert.throws(() => formatSummaryTable(s, { width: 0 }), (e: unknown) => e instanceof OptionsError && /width: expected a positive number of columns, like 120/.test(e.message));
  assert.throws(() => formatSummaryTable(s, { colour: true } as never), (e: unknown) => e instanceof OptionsError && /colour/.test(e.message) && /color/.test(e.message));
});
