// A broker stopped and started again while spans are being recorded: sends fail and are retried in
// the background (the traced code never waits or throws), kafkajs reconnects to the same address,
// and every span the sink counted as sent is read back from a Zipkin consuming that broker. Both
// are this test's own: stopping the run's broker would disturb the test files running beside it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort } from './fixtures/http-collector.js';
import { ownBroker, ownBrokerSkip, ownZipkin, THROUGH_KAFKA, zipkinJson } from './helpers/kafka.js';
import { uniqueServiceName, waitFor, type ZipkinSpanJson } from './helpers/zipkin.js';
import { createTracer, type DiagnosticEvent } from '../src/index.js';
import { kafkaSink } from '../src/deliver/kafka.js';
import { droppedTotal } from '../src/model/sink.js';

const PER_TICK = 10;

test('a broker restarted mid-run: sends are retried in the background and every span counted as sent is in Zipkin, sent + dropped = created', { skip: ownBrokerSkip({ zipkin: true }), timeout: 120_000 }, async (t) => {
  const port = await freePort();
  const bootstrap = `127.0.0.1:${port}`;
  // Both JVMs start at once: Zipkin's collector connects when the broker is up.
  const [broker, zipkin] = await Promise.all([ownBroker(t, { port }), ownZipkin(t, bootstrap)]);

  const events: DiagnosticEvent[] = [];
  const serviceName = uniqueServiceName('kafka-restart');
  const tracer = createTracer({
    serviceName,
    sink: kafkaSink({ brokers: [bootstrap], flushIntervalMillis: 20, maxRetries: 60, initialBackoffMillis: 50, maxBackoffMillis: 500, timeoutMillis: 3000, warnings: false, onError: (e) => events.push(e) }),
  });
  const root = tracer.startSpan('run', { kind: 'SERVER' });
  const ids = new Set<string>([root.context.spanId]);

  // Spans are recorded on a steady beat through the whole outage: a tick must never wait on Kafka.
  let ticking = true;
  let slowest = 0;
  const beat = (async () => {
    while (ticking) {
      const started = performance.now();
      for (let i = 0; i < PER_TICK; i++) {
        const span = tracer.startSpan('tick', { kind: 'PRODUCER', parent: root });
        ids.add(span.context.spanId);
        span.end();
      }
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();

  await waitFor(() => tracer.stats().sent, (sent) => sent >= 100, { description: 'first spans sent' });
  await broker.stop();
  const sentWhileUp = tracer.stats().sent;
  await waitFor(() => events.some((e) => e.kind === 'SEND_FAILED'), Boolean, { description: 'a failed send while the broker is down' });
  await broker.start();
  await waitFor(() => tracer.stats().sent, (sent) => sent > sentWhileUp + 100, { timeoutMs: 30_000, description: 'spans sent after the restart' });
  ticking = false;
  await beat;
  root.end();

  const closed = await tracer.close({ timeoutMillis: 30_000 });
  const s = tracer.stats();
  const dropped = droppedTotal(s.dropped);
  t.diagnostic(`${ids.size} spans created, ${s.sent} sent, ${s.retried} retried, ${dropped} dropped; slowest tick of ${PER_TICK} spans ${slowest.toFixed(1)} ms; kinds ${[...new Set(events.map((e) => e.kind))].join(', ')}`);
  assert.equal(s.sent + dropped, ids.size, 'every span is counted once, as sent or dropped');
  assert.equal(closed.complete, true);
  assert.equal(dropped, 0, 'the retries outlast the restart');
  assert.ok(s.retried > 0, 'sends failed during the outage and were retried');

  const trace = await waitFor(
    () => zipkinJson<ZipkinSpanJson[]>(zipkin, `/api/v2/trace/${root.context.traceId}`, []),
    (spans) => new Set(spans.map((x) => x.id)).size >= s.sent,
    { timeoutMs: 30_000, description: `${s.sent} spans in Zipkin: ${THROUGH_KAFKA}` },
  );
  const seen = new Set(trace.map((x) => x.id));
  for (const id of ids) assert.ok(seen.has(id), `span ${id}, counted as sent, is in Zipkin`);
});
