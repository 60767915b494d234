// The HTTP and Kafka sinks' options for the wire and the disk: compression and encoding are their
// literal unions, spool needs a dir and takes its policy by name, the Kafka sink takes no
// maxBatchBytes (its bound is maxMessageBytes), and stats() has the spool's counts as optional numbers.
import { zipkinHttpSink, type SinkStats, type SpoolOptions } from '../../src/index.js';
import { kafkaSink } from '../../src/deliver/kafka.js';
import { expectType, type Equal } from './expect.js';

export function sinkOptionsTakeCompressionEncodingAndASpool(): void {
  zipkinHttpSink({ compression: 'gzip', encoding: 'proto3', spool: { dir: '/var/spool/job', maxBytes: 1 << 30, fsyncMillis: 500, whenFull: 'dropNewest', always: true } });
  zipkinHttpSink({ compression: 'none', encoding: 'json' });
  // @ts-expect-error brotli is not a compression the sink does
  zipkinHttpSink({ compression: 'brotli' });
  // @ts-expect-error Zipkin's v2 API takes JSON or proto3
  zipkinHttpSink({ encoding: 'thrift' });
  // @ts-expect-error a spool needs its directory
  zipkinHttpSink({ spool: { maxBytes: 1 << 20 } });
  // @ts-expect-error whenFull names one of the two policies
  zipkinHttpSink({ spool: { dir: '/tmp/s', whenFull: 'dropAll' } });

  kafkaSink({ brokers: ['kafka:9092'], topic: 'zipkin', encoding: 'proto3', compression: 'gzip', maxMessageBytes: 1_000_000, spool: { dir: '/tmp/k' } });
  // @ts-expect-error kafkajs ships gzip only
  kafkaSink({ brokers: ['kafka:9092'], compression: 'zstd' });
  // @ts-expect-error the Kafka sink's byte bound is maxMessageBytes
  kafkaSink({ brokers: ['kafka:9092'], maxBatchBytes: 5_000_000 });
  // @ts-expect-error brokers are required
  kafkaSink({ topic: 'zipkin' });

  expectType<Equal<SpoolOptions['dir'], string>>();
  expectType<Equal<SpoolOptions['whenFull'], 'dropOldest' | 'dropNewest' | undefined>>();
  expectType<Equal<SinkStats['spooled'], number | undefined>>();
  expectType<Equal<SinkStats['replayed'], number | undefined>>();
  expectType<Equal<SinkStats['dropped']['spoolFull'], number | undefined>>();
}
