import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Runs `body` in a child `node --expose-gc` (the GC must be forced) and returns what it printed as JSON. */
function inChild(body: string): unknown {
  const code = `import { createTracer, memorySink } from ${JSON.stringify(index)};\n` +
    // Collect until `done()` holds, a bounded number of times: each round is a full GC and one turn.
    `const collect = async (done) => { for (let i = 0; i < 100 && !done(); i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); } };\n` +
    body;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('a traced call whose promise is abandoned unsettled is emitted as orphaned once its span is garbage collected', () => {
  const out = inChild(`
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'orphans', sink, trackOrphans: true, warnings: false });
    const root = tracer.startSpan('root');
    const never = root.traced(async (span) => {
      span.annotate('request sent');
      await new Promise(() => {});
    }, { name: 'never settles', kind: 'CLIENT' });
    for (let i = 0; i < 100; i++) void never();
    await collect(() => tracer.stats().orphaned === 100);
    await tracer.flush();
    console.log(JSON.stringify({ stats: tracer.stats(), spans: sink.spans, rootId: root.context.spanId }));
  `) as { stats: { orphaned: number; open: number; ended: number }; spans: Array<{ name: string; parentId: string; timestamp: number; duration: number; tags: Record<string, string>; annotations: Array<{ timestamp: number; value: string }> }>; rootId: string };
  assert.equal(out.stats.orphaned, 100);
  assert.equal(out.stats.open, 1, 'only the root is still open');
  assert.equal(out.spans.length, 100);
  for (const s of out.spans) {
    assert.equal(s.name, 'never settles');
    assert.equal(s.parentId, out.rootId);
    assert.equal(s.tags.orphaned, 'gc');
    const values = s.annotations.map((a) => a.value);
    assert.deepEqual(values, ['request sent', 'orphaned']);
    // The time known so far: up to the last annotation, never before the start.
    assert.ok(s.duration >= 1);
    for (const a of s.annotations) assert.ok(a.timestamp >= s.timestamp && a.timestamp <= s.timestamp + s.duration, JSON.stringify(s));
  }
});

test('a call still in flight is not orphaned by garbage collection, and ends once, normally', () => {
  const out = inChild(`
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'orphans', sink, trackOrphans: true, warnings: false });
    let release;
    const gate = new Promise((r) => (release = r));
    const call = tracer.traced(async () => { await gate; return 7; }, { name: 'slow' });
    const pending = Array.from({ length: 50 }, () => call());
    // Calls abandoned alongside, to show that collection did run.
    const abandoned = tracer.traced(() => new Promise(() => {}), { name: 'abandoned' });
    for (let i = 0; i < 50; i++) void abandoned();
    await collect(() => tracer.stats().orphaned === 50);
    release();
    const values = await Promise.all(pending);
    await collect(() => false);
    await tracer.flush();
    const names = sink.spans.map((s) => s.name + ':' + (s.tags?.orphaned ?? 'ended'));
    console.log(JSON.stringify({ values, names, stats: tracer.stats() }));
  `) as { values: number[]; names: string[]; stats: { orphaned: number; open: number } };
  assert.deepEqual(out.values, Array(50).fill(7));
  assert.equal(out.names.filter((n) => n === 'slow:ended').length, 50);
  assert.equal(out.names.filter((n) => n === 'abandoned:gc').length, 50);
  assert.equal(out.names.length, 100, 'no span is emitted twice');
  assert.equal(out.stats.orphaned, 50);
  assert.equal(out.stats.open, 0);
});

test('a span from startSpan that is dropped without end is emitted as orphaned, and an ended one is not', () => {
  const out = inChild(`
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'orphans', sink, trackOrphans: true, warnings: false });
    (() => { tracer.startSpan('dropped').tag('k', 'v'); })();
    (() => { tracer.startSpan('ended').end(); })();
    await collect(() => tracer.stats().orphaned === 1);
    await collect(() => false);
    await tracer.flush();
    console.log(JSON.stringify(sink.spans.map((s) => ({ name: s.name, tags: s.tags ?? {} }))));
  `);
  assert.deepEqual(out, [
    { name: 'ended', tags: {} },
    { name: 'dropped', tags: { k: 'v', orphaned: 'gc' } },
  ]);
});
