// The floor of the end-to-end benchmark (benchmarks/end-to-end.mjs): a traced call recorded and
// delivered to a Zipkin collector the simplest fast way, written by hand for two span shapes (the
// plain span: a CLIENT call with nothing of its own; the seed's client span: a remote endpoint,
// `ws` and `wr` annotations, `http.path` and `http.status_code` tags) and no generality. Per call: two
// `performance.now()` reads and an ID from a pool of random words, stored in typed arrays. Per
// batch: the JSON v2 bytes written by hand (constant parts as four-byte stores of words made once,
// hex and digits two bytes per store) straight into the buffer that is sent, and one bare
// `http.request` POST on a keep-alive agent, its options built once. No retries, no timeouts, no
// escaping, no byte bound: a reference for what a span costs at least end to end, not a sink.
// Its spans have the fields, in the order and of the size, that deferred-span's `encodeSpansBytes`
// writes for the same span (221 bytes each plain); the benchmark checks the spans that arrive.
import { randomFillSync } from 'node:crypto';
import * as http from 'node:http';
import { ascii, hexWord, micros as epochMicros, padded, put, uint, words } from './encode-floor.mjs';

// The byte writers are the encode floor's own: one hand-written encoder, two benchmarks.

/** Most bytes one plain span takes past its constant parts: 16 hex digits, 16 + 8 digits, a comma. */
const VARIABLE_BYTES = 16 + 16 + 8 + 1;

/**
 * A floor tracer: `traced(fn)` returns a function that calls `fn` and records one plain span when its
 * promise settles; spans go to `url` in batches of `maxBatchSpans`, at most `maxInFlight` POSTs at
 * once, partial batches after `flushIntervalMillis` or on `flush()`. Past `maxQueueSpans` spans
 * waiting or in flight new spans are dropped and counted. `send: false` records and encodes only
 * (each batch answered on the next turn, nothing sent).
 */
export function floorTracer({ url, serviceName, name, kind = 'CLIENT', traceId, parentId, shape = 'plain', remotes = [], maxBatchSpans = 1000, maxInFlight = 4, maxQueueSpans = 100_000, flushIntervalMillis = 1000, send = true }) {
  const seed = shape === 'seed';
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const options = { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': '0' } };
  const head = words(`{"traceId":"${traceId}","parentId":"${parentId}","id":"`);
  const middle = words(`","kind":"${kind}","name":"${name}","timestamp":`);
  const K_DURATION = words(',"duration":');
  const tail = words(`,"localEndpoint":{"serviceName":"${serviceName}"}}`);
  // The seed's client span: its remote endpoint (one of `remotes`), `ws` and `wr`, `http.path` and `http.status_code`.
  const seedLocal = words(`,"localEndpoint":{"serviceName":"${serviceName}"},"remoteEndpoint":{`);
  const seedRemotes = remotes.map((r) => words(`"ipv4":"${r.ipv4}","port":${r.port}},"annotations":[{"timestamp":`));
  const seedWr = words(',"value":"ws"},{"timestamp":');
  const seedPath = words(',"value":"wr"}],"tags":{"http.path":"');
  const seedEnd = words('","http.status_code":"200"}}');
  const spanBytes = seed
    ? (head.at(-1) + middle.at(-1) + K_DURATION.at(-1) + seedLocal.at(-1) + Math.max(0, ...seedRemotes.map((w) => w.at(-1))) + seedWr.at(-1) + seedPath.at(-1) + seedEnd.at(-1) + VARIABLE_BYTES + 2 * 16 + 3) & ~3
    : (head.at(-1) + middle.at(-1) + K_DURATION.at(-1) + tail.at(-1) + VARIABLE_BYTES + 3) & ~3;

  // The open batch: typed arrays, one slot per span.
  const startMs = new Float64Array(maxBatchSpans);
  const endMs = new Float64Array(maxBatchSpans);
  const idHigh = new Uint32Array(maxBatchSpans);
  const idLow = new Uint32Array(maxBatchSpans);
  const wsMs = seed ? new Float64Array(maxBatchSpans) : undefined;
  const wrMs = seed ? new Float64Array(maxBatchSpans) : undefined;
  const remoteOf = seed ? new Uint8Array(maxBatchSpans) : undefined;
  const pathOf = seed ? new Array(maxBatchSpans) : undefined;
  let pathChars = 0;
  let open = 0;
  // IDs: a pool of random words, refilled when used up.
  const pool = new Uint32Array(8192);
  let at = pool.length;

  /** Encoded batches waiting for a slot: [bytes, spans]. */
  const waiting = [];
  let waitingSpans = 0;
  let inFlight = 0;
  let inFlightSpans = 0;
  let sent = 0;
  let dropped = 0;
  let failed = 0;
  let timer;
  let idle = [];
  const origin = performance.timeOrigin;

  function encode() {
    const n = open;
    open = 0;
    const buf = Buffer.allocUnsafeSlow(2 + n * spanBytes + pathChars);
    pathChars = 0;
    const v = new DataView(buf.buffer, buf.byteOffset, buf.length);
    let p = 0;
    v.setUint8(p++, 0x5b);
    for (let i = 0; i < n; i++) {
      if (i > 0) v.setUint8(p++, 0x2c);
      p = hexWord(v, hexWord(v, put(v, p, head), idHigh[i]), idLow[i]);
      // Epoch microseconds as whole seconds and microseconds (both small integers), then the duration.
      const t = (origin + startMs[i]) * 1000;
      const micros = Math.round(t);
      const seconds = Math.floor(micros / 1e6);
      p = padded(v, padded(v, put(v, p, middle), seconds, 10), micros - seconds * 1e6, 6);
      p = uint(v, put(v, p, K_DURATION), Math.max(1, Math.round((endMs[i] - startMs[i]) * 1000)));
      if (!seed) {
        p = put(v, p, tail);
        continue;
      }
      p = put(v, put(v, p, seedLocal), seedRemotes[remoteOf[i]]);
      p = put(v, epochMicros(v, put(v, epochMicros(v, p, Math.round((origin + wsMs[i]) * 1000)), seedWr), Math.round((origin + wrMs[i]) * 1000)), seedPath);
      p = put(v, ascii(v, p, pathOf[i], buf), seedEnd);
      pathOf[i] = undefined;
    }
    v.setUint8(p++, 0x5d);
    waiting.push(buf.subarray(0, p), n);
    waitingSpans += n;
  }

  function pump() {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const body = waiting.shift();
      const n = waiting.shift();
      waitingSpans -= n;
      inFlight++;
      inFlightSpans += n;
      if (!send) {
        // Recording and encoding only (the benchmark's `floorLocal`): answered on the next turn, as if sent.
        setImmediate(done, n, body.length > 0);
        continue;
      }
      options.headers['content-length'] = String(body.length);
      const req = http.request(options, (res) => {
        res.on('data', () => {});
        res.on('end', () => done(n, res.statusCode >= 200 && res.statusCode < 300));
      });
      req.on('error', () => done(n, false));
      req.end(body);
    }
    if (inFlight === 0 && waiting.length === 0 && open === 0 && idle.length > 0) {
      const resolve = idle;
      idle = [];
      for (const r of resolve) r();
    }
  }

  function done(n, ok) {
    inFlight--;
    inFlightSpans -= n;
    if (ok) sent += n;
    else failed += n;
    pump();
  }

  const onTimer = () => {
    timer = undefined;
    if (open > 0) encode();
    pump();
  };

  function end(t0, ws, wr, path, remote) {
    if (open + waitingSpans + inFlightSpans >= maxQueueSpans) {
      dropped++;
      return;
    }
    const i = open++;
    startMs[i] = t0;
    endMs[i] = performance.now();
    if (seed) {
      wsMs[i] = ws;
      wrMs[i] = wr;
      pathOf[i] = path;
      pathChars += path.length;
      remoteOf[i] = remote;
    }
    if (at === pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    idHigh[i] = pool[at++];
    idLow[i] = pool[at++];
    if (open === maxBatchSpans) {
      encode();
      pump();
    } else if (timer === undefined) {
      timer = setTimeout(onTimer, flushIntervalMillis);
      timer.unref();
    }
  }

  return {
    traced(fn) {
      return function call() {
        const t0 = performance.now();
        return fn.apply(this, arguments).then(
          (value) => {
            end(t0);
            return value;
          },
          (error) => {
            end(t0);
            throw error;
          },
        );
      };
    },
    /**
     * The seed's client span: `call(path, remote)` (`remote` an index into `remotes`) notes `ws`,
     * calls `fn`, then notes `wr` and records the span when its promise settles.
     */
    tracedSeed(fn) {
      return function call(path, remote) {
        const t0 = performance.now();
        const ws = performance.now();
        return fn().then(
          (value) => {
            end(t0, ws, performance.now(), path, remote);
            return value;
          },
          (error) => {
            end(t0, ws, performance.now(), path, remote);
            throw error;
          },
        );
      };
    },
    /** Sends what is open and resolves once nothing is waiting or in flight. */
    flush() {
      clearTimeout(timer);
      timer = undefined;
      if (open > 0) encode();
      return new Promise((resolve) => {
        idle.push(resolve);
        pump();
      });
    },
    stats: () => ({ queued: open + waitingSpans, inFlight: inFlightSpans, sent, dropped: { queueFull: dropped, rejected: 0, expired: failed, sinkFailed: 0 } }),
    close() {
      clearTimeout(timer);
      agent.destroy();
    },
  };
}
