// A body of several MB that the server streams slowly: fetch resolves at the headers, but the span
// goes on until the body has arrived to its end. Its duration covers the server's streaming
// time, and the caller reads the same bytes as without tracing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { monotonicClock } from '../src/index.js';
import { assertClientSpan, b3Of, finishedSpans, recording, serve, spanWithId, spansEnded } from './helpers/http-spans.js';

const CHUNK = 64 * 1024;
const CHUNKS = 64; // 4 MiB
const PACE_MS = 4;

/** Reads a body to its end, returning its length, its SHA-256 and when the last read returned. */
async function readAll(response: Response): Promise<{ bytes: number; sha256: string; doneAt: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes, sha256: hash.digest('hex'), doneAt: monotonicClock.now() };
    hash.update(value);
    bytes += value.byteLength;
  }
}

test('a large body streamed slowly: the span ends when the body has arrived, not at the headers', async (t) => {
  const streams: Array<{ startedAt: number; finishedAt: number }> = [];
  const server = await serve((_req, res) => {
    const timing = { startedAt: monotonicClock.now(), finishedAt: 0 };
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-length', String(CHUNK * CHUNKS));
    let sent = 0;
    const next = (): void => {
      if (sent === CHUNKS - 1) {
        // The last bytes leave after this moment: the client cannot have them earlier.
        timing.finishedAt = monotonicClock.now();
        streams.push(timing);
        res.end(Buffer.alloc(CHUNK, sent++ % 251));
        return;
      }
      res.write(Buffer.alloc(CHUNK, sent++ % 251));
      // Paced: the body takes at least (CHUNKS - 1) * PACE_MS to leave.
      setTimeout(next, PACE_MS);
    };
    next();
  });
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/big`;

  const plain = await readAll(await fetch(url));

  const response = await root.fetch(url);
  assert.equal(response.status, 200);
  assert.equal(r.tracer.stats().ended, 0, 'fetch resolved at the headers; the span goes on');
  const traced = await readAll(response);
  assert.equal(traced.bytes, CHUNK * CHUNKS);
  assert.equal(traced.bytes, plain.bytes);
  assert.equal(traced.sha256, plain.sha256, 'the same bytes as without tracing');

  await spansEnded(r, 1);
  const stream = streams[1]!;
  const span = await spanWithId(r, b3Of(server.received[1]!.headers)['x-b3-spanid']);
  assertClientSpan(span, { name: 'GET', parentId: root.context.spanId, method: 'GET', path: '/big', url, status: 200 });
  const streamingMicros = stream.finishedAt - stream.startedAt;
  assert.ok(streamingMicros >= (CHUNKS - 1) * PACE_MS * 1000, 'the server did stream slowly');
  assert.ok(span.duration! >= streamingMicros, `span duration ${span.duration} µs >= the server's streaming time ${Math.round(streamingMicros)} µs`);
  const end = span.timestamp! + span.duration!;
  assert.ok(end >= stream.finishedAt - 1, 'the span ended after the server sent the last byte');
  assert.ok(end <= traced.doneAt + 1, 'and no later than the caller read the last byte');
  root.end();
  assert.equal((await finishedSpans(r)).length, 2);
});
