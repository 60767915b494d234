import { encodeNdjson } from '../encode/json.js';
import type { Sink } from '../model/sink.js';
import type { SpanRecord } from '../model/span-record.js';

/** Where `consoleSink` writes. */
export interface ConsoleSinkOptions {
  /**
   * The stream written to.
   * @default process.stdout
   */
  readonly stream?: NodeJS.WritableStream;
}

/**
 * Writes each span as one line of Zipkin v2 JSON, one write per batch.
 * @example createTracer({ serviceName: 'dev', sink: consoleSink() })
 */
export function consoleSink(options: ConsoleSinkOptions = {}): Sink {
  const stream = options.stream ?? process.stdout;
  return {
    write(batch: SpanRecord[]) {
      stream.write(encodeNdjson(batch));
    },
  };
}
