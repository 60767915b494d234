// A sink for tests that keeps the records a tracer hands over, so a test can run the encoder on them.
import { toZipkinSpan, type Sink, type SpanRecord, type ZipkinSpan } from '../../src/index.js';

/** The records received, and the same spans as Zipkin v2 objects (as `memorySink` would hold them). */
export interface RecordSink extends Sink {
  readonly records: SpanRecord[];
  readonly spans: ZipkinSpan[];
}

/** Creates a sink that keeps every record it is given. */
export function recordSink(): RecordSink {
  const records: SpanRecord[] = [];
  return {
    records,
    get spans() {
      return records.map(toZipkinSpan);
    },
    write(batch) {
      records.push(...batch);
    },
  };
}
