// kafkaSink takes the spool every engine-based sink takes: with no broker to talk to, its batches go
// to the spool's segment files (write-ahead), counted in stats().spooled, and close() leaves them there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer } from '../src/index.js';
import { kafkaSink } from '../src/deliver/kafka.js';
import { freePort } from './fixtures/http-collector.js';
import { segments, tempDir } from './fixtures/spool-helpers.js';

test('a Kafka sink whose broker is down writes its batches to its spool and leaves them on disk at close', async (t) => {
  const dir = tempDir(t, 'kafka-spool');
  const sink = kafkaSink({ brokers: [`127.0.0.1:${await freePort()}`], spool: { dir, always: true }, timeoutMillis: 200, initialBackoffMillis: 20, maxBackoffMillis: 50, warnings: false });
  const tracer = createTracer({ serviceName: 'kafka-spool', sink, warnings: false });
  for (let i = 0; i < 50; i++) tracer.startSpan(`s${i}`).end();
  await tracer.close({ timeoutMillis: 1000 });
  const s = sink.stats();
  assert.equal(s.sent, 0);
  assert.equal(s.spooled, 50, JSON.stringify(s));
  assert.ok(segments(dir).length > 0, 'the batches are on disk for the next run');
});
