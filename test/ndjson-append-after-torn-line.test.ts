import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTracer, ndjsonFileSink, readSpanFile } from '../src/index.js';

test('appending to an NDJSON file whose last line was torn (a run killed mid-write) starts on a fresh line: every new span reads back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'torn-'));
  try {
    const path = join(dir, 'spans.ndjson');
    writeFileSync(path, '{"traceId":"463ac35c9f6413ad","id":"a2fb4a1d1a96d312","name":"whole"}\n{"traceId":"463ac35c9f6413ad","id":"a2fb4a1d1');
    const tracer = createTracer({ serviceName: 'torn', sink: ndjsonFileSink(path) });
    const work = tracer.traced(async () => 1, { name: 'after' });
    for (let i = 0; i < 5; i++) await work();
    await tracer.close();
    const { spans, skipped } = await readSpanFile(path);
    assert.equal(spans.filter((s) => s.name === 'after').length, 5, readFileSync(path, 'utf8'));
    assert.equal(skipped, 1, 'only the torn line is lost');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file sink that cannot write counts each span once as sinkFailed (not once by the sink and again by the tracer)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unwritable-'));
  try {
    // A directory where the file should be: every write fails with EISDIR.
    const tracer = createTracer({ serviceName: 'unwritable', sink: ndjsonFileSink(dir), warnings: false });
    const work = tracer.traced(async () => 1, { name: 'lost' });
    for (let i = 0; i < 10; i++) await work();
    await tracer.close();
    const s = tracer.stats();
    assert.equal(s.ended, 10);
    assert.deepEqual(s.dropped, { queueFull: 0, rejected: 0, expired: 0, sinkFailed: 10 });
    assert.equal(s.sent, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
