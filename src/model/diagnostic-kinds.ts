/**
 * Every kind of failure the library reports, in one registry (as fastify keeps its error codes):
 * what it means and what to do. `onError` receives these as `event.kind`; warnings carry them as
 * `DEFERRED_SPAN_<KIND>`. The README's list of kinds is tested to be this one.
 * @module
 */

/** One kind of failure: where it happens, what it means, and the fix. */
export interface DiagnosticKindInfo {
  /** The stage of the data flow that reports it. */
  readonly stage: 'record' | 'deliver' | 'jobs';
  /** What happened, in one line. */
  readonly meaning: string;
  /** What to do about it. */
  readonly fix: string;
}

/** The registry. Add a kind here before reporting it: the type below only takes listed kinds. */
export const DIAGNOSTIC_KINDS = {
  BAD_NAME: { stage: 'record', meaning: 'a span name was not a non-empty string; the function name (or "traced"/"span") was used', fix: 'pass name as a non-empty string' },
  BAD_KIND: { stage: 'record', meaning: 'kind was not CLIENT, SERVER, PRODUCER or CONSUMER; the span was recorded as a local span', fix: 'use one of the four kinds, or leave kind out' },
  BAD_PARENT: { stage: 'record', meaning: 'a parent had invalid IDs or was not a parent at all; a new trace was started', fix: 'pass a Span, extractB3(headers), a SpanContext or null' },
  BAD_TAG_KEY: { stage: 'record', meaning: 'a tag key was empty or not a string; the tag was dropped', fix: 'use non-empty string keys' },
  BAD_TAG_VALUE: { stage: 'record', meaning: 'a tag value could not be turned into a string; the tag was dropped', fix: 'tag strings, numbers or booleans' },
  TAG_VALUE_COERCED: { stage: 'record', meaning: 'a tag value that is not a string, number or boolean was stored as a string', fix: 'turn the value into a string yourself to choose its form' },
  VALUE_TRUNCATED: { stage: 'record', meaning: 'a name, tag key, tag value or annotation was longer than its limit and was cut', fix: 'keep values within MAX_NAME_LENGTH, MAX_TAG_KEY_LENGTH and MAX_VALUE_LENGTH' },
  BAD_ENDPOINT: { stage: 'record', meaning: 'an endpoint field Zipkin would reject (bad IP, port outside 1..65535) was dropped', fix: 'pass { serviceName, ipv4, ipv6, port } with valid values' },
  BAD_TIMESTAMP: { stage: 'record', meaning: 'a start or end time was not positive epoch microseconds; the current time was used', fix: 'pass epoch microseconds, e.g. Date.now() * 1000' },
  BAD_ANNOTATION: { stage: 'record', meaning: 'an annotation value was not a non-empty string, or its time was invalid; it was dropped or its time replaced', fix: 'annotate with a non-empty string' },
  TOO_MANY_TAGS: { stage: 'record', meaning: 'a span already had maxTagsPerSpan tags; later new tags were dropped', fix: 'tag less, or raise maxTagsPerSpan' },
  TOO_MANY_ANNOTATIONS: { stage: 'record', meaning: 'a span already had maxAnnotationsPerSpan annotations; later ones were dropped', fix: 'annotate less, or raise maxAnnotationsPerSpan' },
  SPAN_ALREADY_ENDED: { stage: 'record', meaning: 'a tag, annotation or end on a span that had already ended was ignored', fix: 'end each span once, after its last tag' },
  TRACER_CLOSED: { stage: 'record', meaning: 'a span ended after tracer.close(); it was dropped and counted as expired', fix: 'close the tracer after the last traced call settles' },
  SPAN_TOO_LARGE: { stage: 'deliver', meaning: 'a span could not be encoded (its JSON passes the string limit) or alone passes maxBatchBytes; it was dropped and counted as rejected', fix: 'record fewer or shorter tags and annotations, or raise maxBatchBytes (Zipkin takes at most 10 MiB per POST)' },
  QUEUE_FULL: { stage: 'deliver', meaning: 'the span queue was full; new spans were dropped and counted as queueFull', fix: 'raise maxQueueSpans, or let the event loop run so the sink can catch up' },
  SINK_WRITE_FAILED: { stage: 'deliver', meaning: "the sink's write threw or rejected; its spans were dropped and counted as sinkFailed", fix: "fix the sink's write; failures reach onError with the error" },
  SINK_FLUSH_FAILED: { stage: 'deliver', meaning: "the sink's own flush or close threw or rejected", fix: "fix the sink's flush/close" },
  SEND_FAILED: { stage: 'deliver', meaning: 'a send failed and will be retried with backoff', fix: 'check that the destination is up; nothing is lost yet' },
  RETRIES_EXHAUSTED: { stage: 'deliver', meaning: 'a batch still failed after maxRetries retries; it was dropped and counted as expired', fix: 'raise maxRetries or fix the destination' },
  FLUSH_TIMEOUT: { stage: 'deliver', meaning: 'flush() ran out of time; what was left stays queued', fix: 'give flush a longer timeoutMillis' },
  CLOSE_TIMEOUT: { stage: 'deliver', meaning: 'close() ran out of time; what was left was dropped and counted as expired', fix: 'give close a longer timeoutMillis' },
  SINK_CLOSED: { stage: 'deliver', meaning: 'spans were written after the sink was closed; they were dropped and counted as expired', fix: 'close the sink last' },
  DELIVERY_BUG: { stage: 'deliver', meaning: 'the delivery engine or a transport failed unexpectedly; the batch was dropped and counted as expired', fix: 'report it with the error attached' },
  ZIPKIN_QUEUE_FULL: { stage: 'deliver', meaning: "the Zipkin sink's queue (maxQueueSpans or maxQueueBytes) was full; new spans were dropped and counted as queueFull", fix: 'raise maxQueueSpans/maxQueueBytes or maxInFlight, or check the collector' },
  ZIPKIN_SEND_FAILED: { stage: 'deliver', meaning: 'a POST to Zipkin failed (network error, timeout, 429 or 5xx) and will be retried with backoff', fix: 'check that the collector is up; nothing is lost yet' },
  ZIPKIN_RETRIES_EXHAUSTED: { stage: 'deliver', meaning: 'a batch still failed after maxRetries retries; it was dropped and counted as expired', fix: 'raise maxRetries or fix the collector' },
  ZIPKIN_FLUSH_TIMEOUT: { stage: 'deliver', meaning: 'flush() ran out of time; what was left stays queued and keeps being retried', fix: 'give flush a longer timeoutMillis' },
  ZIPKIN_CLOSE_TIMEOUT: { stage: 'deliver', meaning: 'close() ran out of time; what was left was dropped and counted as expired', fix: 'give close a longer timeoutMillis' },
  ZIPKIN_SINK_CLOSED: { stage: 'deliver', meaning: 'spans were written after the Zipkin sink was closed; they were dropped and counted as expired', fix: 'close the sink last' },
  ZIPKIN_SINK_BUG: { stage: 'deliver', meaning: 'the Zipkin sink failed unexpectedly; the batch was dropped and counted as expired', fix: 'report it with the error attached' },
  ZIPKIN_REJECTED: { stage: 'deliver', meaning: 'the collector rejected a span (HTTP 400, 413 or 422); only that span was dropped, counted as rejected', fix: "read the collector's answer in the message" },
  ZIPKIN_REFUSED: { stage: 'deliver', meaning: 'the collector refused the batch (401, 403, 404, 405, 410, 415); it was dropped and counted as rejected', fix: 'check the url and the auth headers' },
  ZIPKIN_REDIRECTED: { stage: 'deliver', meaning: 'the collector answered with a redirect, which is not followed; the batch was dropped and counted as rejected', fix: 'set url to the address the collector redirects to' },
  KAFKA_TOPIC_MISSING: { stage: 'deliver', meaning: "the Kafka sink's topic does not exist and the broker does not create topics on first use; batches are retried with backoff", fix: 'create the topic (kafka-topics.sh --bootstrap-server HOST:PORT --create --topic zipkin), or let the broker create it (auto.create.topics.enable=true, allowAutoTopicCreation)' },
  KAFKA_CLIENT_MISSING: { stage: 'deliver', meaning: 'kafkaSink could not load kafkajs, its optional peer dependency; its batches were dropped and counted as sinkFailed', fix: 'npm install kafkajs' },
  KAFKA_REFUSED: { stage: 'deliver', meaning: 'the Kafka broker refused a batch (authorization, authentication or an invalid topic); it was dropped and counted as rejected', fix: "check the topic name, the broker's ACLs and the sasl/ssl options" },
  SPOOL_UNAVAILABLE: { stage: 'deliver', meaning: 'the spool directory could not be created, read or written (read-only, not a directory); the sink keeps spans in memory only', fix: 'point spool.dir at a writable directory' },
  SPOOL_LOCKED: { stage: 'deliver', meaning: 'another live process (or sink) owns the spool directory; this sink keeps spans in memory only', fix: 'give each process its own spool.dir' },
  SPOOL_WRITE_FAILED: { stage: 'deliver', meaning: 'writing to the spool failed (disk full, file size limit, I/O error); from then on spans are kept in memory only, what is on disk is still replayed', fix: 'free disk space, or point spool.dir elsewhere' },
  SPOOL_FULL: { stage: 'deliver', meaning: 'the spool reached spool.maxBytes; spans were dropped by spool.whenFull and counted as spoolFull', fix: 'raise spool.maxBytes, or bring the collector back' },
  SPOOL_CORRUPT: { stage: 'deliver', meaning: 'a spool segment held a torn or corrupt record (a crash while it was written); the rest of that segment was skipped', fix: 'nothing to do after a crash; if it recurs, check the disk' },
  MAP_PROGRESS_FAILED: { stage: 'jobs', meaning: "map's onProgress callback threw; the job went on", fix: 'fix the onProgress callback' },
  MAP_ITERATOR_CLOSE_FAILED: { stage: 'jobs', meaning: "closing map's input iterator threw or rejected", fix: "fix the iterator's return()" },
} as const satisfies Record<string, DiagnosticKindInfo>;

/** A kind of failure the library reports. */
export type DiagnosticKind = keyof typeof DIAGNOSTIC_KINDS;

/** The kinds a delivery engine reports, by what happened: one family per kind of sink. */
export interface DeliveryKinds {
  readonly queueFull: DiagnosticKind;
  readonly sendFailed: DiagnosticKind;
  readonly retriesExhausted: DiagnosticKind;
  readonly flushTimeout: DiagnosticKind;
  readonly closeTimeout: DiagnosticKind;
  readonly closed: DiagnosticKind;
  readonly bug: DiagnosticKind;
}

/** The kinds of engines around plain `write(spans)` sinks and users' own transports. */
export const GENERIC_DELIVERY_KINDS: DeliveryKinds = {
  queueFull: 'QUEUE_FULL',
  sendFailed: 'SEND_FAILED',
  retriesExhausted: 'RETRIES_EXHAUSTED',
  flushTimeout: 'FLUSH_TIMEOUT',
  closeTimeout: 'CLOSE_TIMEOUT',
  closed: 'SINK_CLOSED',
  bug: 'DELIVERY_BUG',
};

/** The kinds of the Zipkin HTTP sink (their names predate the engine and are kept). */
export const ZIPKIN_DELIVERY_KINDS: DeliveryKinds = {
  queueFull: 'ZIPKIN_QUEUE_FULL',
  sendFailed: 'ZIPKIN_SEND_FAILED',
  retriesExhausted: 'ZIPKIN_RETRIES_EXHAUSTED',
  flushTimeout: 'ZIPKIN_FLUSH_TIMEOUT',
  closeTimeout: 'ZIPKIN_CLOSE_TIMEOUT',
  closed: 'ZIPKIN_SINK_CLOSED',
  bug: 'ZIPKIN_SINK_BUG',
};
