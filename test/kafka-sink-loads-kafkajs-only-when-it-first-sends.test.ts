// kafkajs is an optional peer dependency: importing the library, or even deferred-span/kafka and
// making a sink, loads none of it; the sink's first send does. A child process reports the CommonJS
// modules it loaded (kafkajs is one) through require.cache.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runToEnd } from './helpers/process.js';

const root = fileURLToPath(new URL('..', import.meta.url));

test('kafkajs is loaded by a kafka sink\'s first send, not by importing the library or deferred-span/kafka', async () => {
  const child = `
    import { createRequire } from 'node:module';
    const kafkajs = () => Object.keys(createRequire(import.meta.url).cache).filter((m) => m.replace(/\\\\/g, '/').includes('/node_modules/kafkajs/'));
    const { createTracer } = await import('./src/index.ts');
    const atImport = kafkajs().length;
    const { kafkaSink } = await import('./src/deliver/kafka.ts');
    // Port 1: nothing listens, the send fails and is retried; nothing here needs a broker.
    const sink = kafkaSink({ brokers: ['127.0.0.1:1'], flushIntervalMillis: 0, warnings: false });
    const tracer = createTracer({ serviceName: 'lazy', sink, warnings: false });
    const atSink = kafkajs().length;
    tracer.startSpan('one').end();
    const deadline = Date.now() + 20000;
    while (tracer.stats().retried === 0 && tracer.stats().dropped.expired === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      if (sink.stats().lastError !== undefined) break;
    }
    console.log(JSON.stringify({ atImport, atSink, afterSend: kafkajs().length, lastError: sink.stats().lastError }));
    await tracer.close({ timeoutMillis: 100 });
  `;
  const run = await runToEnd(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { cwd: root, timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { atImport: number; atSink: number; afterSend: number; lastError: string };
  assert.equal(r.atImport, 0, 'importing the library loads no kafkajs module');
  assert.equal(r.atSink, 0, 'importing deferred-span/kafka and making a sink loads none');
  assert.ok(r.afterSend > 0, 'the first send loaded kafkajs');
  assert.match(r.lastError, /kafka:\/\/127\.0\.0\.1:1\/zipkin/, 'the failed send was reported, naming where');
});
