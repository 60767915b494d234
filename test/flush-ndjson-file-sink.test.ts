import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTracer, ndjsonFileSink } from '../src/index.js';
import { assertValidJsonLine } from './helpers/zipkin-spec.js';

test('flush resolves once every ended span is in the NDJSON file, one valid Zipkin span per line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deferred-span-ndjson-'));
  try {
    const path = join(dir, 'nested', 'spans.ndjson');
    const tracer = createTracer({ serviceName: 'file', sink: ndjsonFileSink(path), batchSize: 64 });
    const call = tracer.traced(async (span, i: number) => {
      span.tag('i', i).annotate('line "quoted"\n and escaped');
    }, { name: 'write', kind: 'PRODUCER' });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => call(i)));
    await tracer.flush();

    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\n'));
    const lines = text.slice(0, -1).split('\n');
    assert.equal(lines.length, 1000);
    const seen = new Set<string>();
    for (const line of lines) {
      const span = assertValidJsonLine(line) as { tags: Record<string, string>; annotations: Array<{ value: string }> };
      seen.add(span.tags.i!);
      assert.equal(span.annotations[0]!.value, 'line "quoted"\n and escaped');
    }
    assert.equal(seen.size, 1000);

    // Appended, not overwritten: a second tracer on the same file adds its lines.
    const again = createTracer({ serviceName: 'file', sink: ndjsonFileSink(path) });
    await again.traced(() => 1)();
    await again.close();
    await tracer.close();
    assert.equal(readFileSync(path, 'utf8').trimEnd().split('\n').length, 1001);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
