// span.env() into a child's environment, extractEnv() in the child: the batch job example's items
// run as child processes, and every child's spans are in the job's trace, under their item span.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTracer, extractEnv, memorySink, readSpanFile } from '../src/index.js';
import { runToEnd } from './helpers/process.js';

const example = fileURLToPath(new URL('../examples/child-processes.ts', import.meta.url));

test('span.env() gives TRACEPARENT, TRACESTATE and B3, and extractEnv() reads them back', () => {
  const tracer = createTracer({ serviceName: 'svc', sink: memorySink(), propagation: ['b3', 'w3c'] });
  const parent = tracer.extract({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'rojo=1' });
  const span = tracer.startSpan('item', { parent });
  const env = span.env();
  assert.deepEqual(Object.keys(env).sort(), ['B3', 'TRACEPARENT', 'TRACESTATE']);
  const back = extractEnv(env);
  assert.equal(back?.traceId, span.context.traceId);
  assert.equal(back?.spanId, span.context.spanId);
  assert.equal(back?.tracestate, 'rojo=1');
  const w3cOnly = createTracer({ serviceName: 'svc', sink: memorySink(), propagation: ['w3c'] }).startSpan('x').env();
  assert.deepEqual(Object.keys(w3cOnly), ['TRACEPARENT'], 'B3 only when the tracer speaks B3');
  assert.equal(extractEnv({}), undefined);
  assert.equal(extractEnv({ TRACEPARENT: 'nonsense' }), undefined);
});

test('a batch job of child processes makes one trace, each child under its item span', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'child-processes-test-'));
  try {
    const run = await runToEnd(process.execPath, ['--import', 'tsx', example, '--items', '3', '--concurrency', '2', '--out', dir], { timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const { traceId } = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { traceId: string };
    const files = readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort();
    assert.deepEqual(files, ['item-0.ndjson', 'item-1.ndjson', 'item-2.ndjson', 'job.ndjson']);
    const spans = (await Promise.all(files.map((f) => readSpanFile(join(dir, f))))).flatMap((c) => c.spans);
    assert.ok(spans.every((s) => s.traceId === traceId), 'one trace');
    const items = spans.filter((s) => s.localEndpoint?.serviceName === 'job' && (s.name ?? '').startsWith('item') && s.name !== 'items');
    assert.equal(items.length, 3);
    for (let i = 0; i < 3; i++) {
      const work = spans.find((s) => s.name === `work ${i}`);
      assert.ok(work, `work ${i} recorded by its child`);
      assert.equal(work.localEndpoint?.serviceName, 'worker');
      assert.ok(items.some((item) => item.id === work.parentId), `work ${i} is a child of an item span`);
      const compute = spans.find((s) => s.name === 'compute' && s.parentId === work.id);
      assert.ok(compute, `the child's own step nests under work ${i}`);
    }
    assert.equal(new Set(spans.filter((s) => (s.name ?? '').startsWith('work')).map((s) => s.parentId)).size, 3, 'each child under its own item span');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
