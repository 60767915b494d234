import { toZipkinSpan } from '../encode/json.js';
import type { Sink } from '../model/sink.js';
import type { ZipkinSpan } from '../model/zipkin-span.js';
import type { SpanRecord } from '../model/span-record.js';

/** A sink that keeps spans in memory as Zipkin v2 objects: for tests, and for users' own tests. */
export interface MemorySink extends Sink {
  /** Every span received, in the order received, as Zipkin v2 JSON objects. */
  readonly spans: ZipkinSpan[];
  /** Returns the spans received so far and forgets them: keeps long runs flat in memory. */
  drain(): ZipkinSpan[];
  /** Forgets every span received. */
  clear(): void;
}

/**
 * Creates a sink that keeps every span in `spans`.
 * @example
 * const sink = memorySink();
 * const tracer = createTracer({ serviceName: 'test', sink });
 * await tracer.traced(async () => 1)();
 * await tracer.flush();
 * sink.spans[0].name; // 'traced'
 */
export function memorySink(): MemorySink {
  let spans: ZipkinSpan[] = [];
  let received = 0;
  return {
    get spans() {
      return spans;
    },
    write(batch: SpanRecord[]) {
      for (const record of batch) spans.push(toZipkinSpan(record));
      received += batch.length;
    },
    drain() {
      const out = spans;
      spans = [];
      return out;
    },
    clear() {
      spans = [];
    },
    stats() {
      return {
        queued: 0,
        inFlight: 0,
        sent: received,
        retried: 0,
        dropped: { queueFull: 0, rejected: 0, expired: 0, sinkFailed: 0 },
        lastError: undefined,
      };
    },
  };
}
