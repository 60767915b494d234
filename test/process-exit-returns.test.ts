import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from './fixtures/reliability-child.js';
import { assertValidJsonLine } from './helpers/zipkin-spec.js';

test('a script that traces calls into an NDJSON file and just returns exits with 0 on its own, with every span in the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'deferred-span-exit-'));
  try {
    const file = join(dir, 'spans.ndjson');
    // The deadline is generous: it only catches a process kept alive by a live timer or socket.
    const { code, signal, stderr } = await runScript({ MODE: 'returns', N: '200', SPANS_FILE: file }).exited;
    assert.equal(signal, null);
    assert.equal(code, 0, stderr);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const spans = lines.map((l) => assertValidJsonLine(l) as { name: string; tags: Record<string, string> });
    assert.equal(spans.length, 200);
    assert.deepEqual(new Set(spans.map((s) => s.tags.i)), new Set(Array.from({ length: 200 }, (_, i) => String(i))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
