// A batch job whose items run as child processes: each item span hands its trace context to its
// child through the environment (span.env(): TRACEPARENT, TRACESTATE, B3), and each child records
// its own spans under the item span that spawned it (extractEnv()). One trace in the end.
//
//   npx tsx examples/child-processes.ts [--items N] [--concurrency C] [--out DIR]
//
// The job's spans go to DIR/job.ndjson and each child's to DIR/item-<n>.ndjson; view them with
// `npx deferred-span view DIR/job.ndjson` (one file) or read them all with readSpanFile.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTracer, extractEnv, ndjsonFileSink } from '../src/index.js';

const { values } = parseArgs({ options: { items: { type: 'string', default: '4' }, concurrency: { type: 'string', default: '2' }, out: { type: 'string' }, child: { type: 'string' } } });

if (values.child !== undefined) {
  // The child: its spans nest under the span that spawned it.
  const tracer = createTracer({ serviceName: 'worker', sink: ndjsonFileSink(join(process.env.SPANS_DIR ?? '.', `item-${values.child}.ndjson`)) });
  const parent = extractEnv();
  await tracer.traced(
    async (span) => {
      // A step of the child's own, nested in its work span.
      await span.traced(async () => new Promise((resolve) => setTimeout(resolve, 5)), { name: 'compute' })();
    },
    { name: `work ${values.child}`, parent },
  )();
  await tracer.close();
} else {
  const dir = values.out ?? mkdtempSync(join(tmpdir(), 'child-processes-'));
  mkdirSync(dir, { recursive: true });
  const tracer = createTracer({ serviceName: 'job', sink: ndjsonFileSink(join(dir, 'job.ndjson')), propagation: ['b3', 'w3c'] });
  const items = Array.from({ length: Number(values.items) }, (_, i) => i);
  const self = fileURLToPath(import.meta.url);
  const job = tracer.startSpan('child-process job');
  await tracer.map(
    items,
    (span, item) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [...process.execArgv, self, '--child', String(item)], {
          env: { ...process.env, ...span.env(), SPANS_DIR: dir },
          stdio: 'inherit',
        });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`item ${item}: the child exited with ${code}`))));
      }),
    { name: 'items', itemName: 'item', concurrency: Number(values.concurrency), parent: job },
  );
  job.end();
  await tracer.close();
  console.log(JSON.stringify({ traceId: job.context.traceId, dir }));
}
