// A reliable sink of your own on the delivery engine: the transport only sends a batch and says how
// it went; queueing, batching, retries with backoff, the in-flight bound, flush, close and every
// count come from the engine. Here the destination is a loopback HTTP service that fails its first
// two requests, so the retries show.
//   npx tsx examples/reliable-sink.ts
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTracer, deliveringSink, encodeNdjsonBytes, type SendOutcome, type Transport } from '../src/index.js';

let requests = 0;
const lines: string[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    requests++;
    if (requests <= 2) return void res.writeHead(503).end('warming up');
    lines.push(...body.split('\n').filter(Boolean));
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/spans`;

const transport: Transport = {
  target: url,
  // Encoded once per batch, before the first attempt; the engine then bounds batches by bytes too.
  encode: (records) => encodeNdjsonBytes(records),
  async send(batch, signal): Promise<SendOutcome> {
    const res = await fetch(url, { method: 'POST', body: batch.body!, headers: { 'content-type': 'application/x-ndjson' }, signal });
    if (res.ok) return { outcome: 'sent' };
    if (res.status === 400) return { outcome: 'split', kind: 'SINK_WRITE_FAILED', message: `rejected a span: ${await res.text()}` };
    if (res.status === 401 || res.status === 403) return { outcome: 'refused', kind: 'SINK_WRITE_FAILED', message: `${url} refused the batch (HTTP ${res.status}); check the credentials` };
    return { outcome: 'retry', reason: `HTTP ${res.status}` };
  },
};

const sink = deliveringSink(transport, { maxBatchSpans: 100, initialBackoffMillis: 20, flushIntervalMillis: 50, warnings: false });
const tracer = createTracer({ serviceName: 'reliable-sink-example', sink });
const step = tracer.traced(async (span, i: number) => span.tag('item', i), { name: 'step' });
await Promise.all(Array.from({ length: 250 }, (_, i) => step(i)));

const result = await tracer.close({ timeoutMillis: 5000 });
const s = tracer.stats();
console.log(`delivered ${lines.length} spans in ${requests} requests; complete: ${result.complete}`);
console.log(`stats: sent ${s.sent}, retried ${s.retried}, dropped ${JSON.stringify(s.dropped)}, failures ${JSON.stringify(s.failures)}`);
server.close();
