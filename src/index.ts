/// <reference types="node" preserve="true" />
// Named for TypeScript 7 users, whose default loads no @types: our declarations use Node's types.
export { createTracer } from './setup/create-tracer.js';
export type { Tracer } from './setup/create-tracer.js';
export type { HttpClientOptions, TracerFetchOptions } from './http/client.js';
export type { HttpServerOptions, TracedRequestListener, ServerSpan } from './http/server.js';
export { startServerSpan } from './http/server.js';
export type { RecordingTracer, TracerStats, StartSpanOptions } from './record/tracer.js';
export type { EnvironmentRecording } from './record/environment.js';
export { configure, defaultTracer, traced, flush } from './setup/default-tracer.js';
export { map } from './setup/default-tracer.js';
export { DEFAULT_MAP_CONCURRENCY } from './jobs/map.js';
export type { MapFunction, MapItemFn, MapOptions, MapProgress, MapSummary } from './jobs/map.js';
export { progressLine, formatProgress, formatSummary, formatDuration } from './jobs/progress.js';
export type { ProgressLine, ProgressLineOptions, ProgressStream } from './jobs/progress.js';
export type { Span, SpanEnv, TracedOptions, Parent, ZipkinTraceIdLike, HttpClientSpanOptions } from './record/span-api.js';
export type { SpanKind, SpanRecord, Annotation } from './model/span-record.js';
export type { SpanContext, SamplingOnlyContext, ExtractedContext } from './model/span-context.js';
export type { Endpoint } from './model/endpoint.js';
export { extractB3, b3Headers, b3Stats, onMalformedB3 } from './propagation/b3.js';
export type { HeadersLike } from './propagation/b3.js';
export { extractW3C, w3cStats } from './propagation/w3c.js';
export { extractEnv } from './propagation/formats.js';
export type { PropagationFormat, HeadersOptions } from './propagation/formats.js';
export type { Carrier, HeaderValue } from './propagation/carrier.js';
export { OptionsError } from './model/options-error.js';
export type { TracerOptions } from './record/tracer-options.js';
export type { Sink, SinkStats, DropCounts, FlushOptions, FlushResult, Transport, OutgoingBatch, SendOutcome } from './model/sink.js';
export { deliveringSink } from './deliver/delivery-options.js';
export type { DeliveringSinkOptions, SpoolOptions } from './deliver/delivery-options.js';
export type { DeliveryEngine } from './deliver/engine.js';
export type { DiagnosticEvent, ErrorHandler } from './model/diagnostics.js';
export { DIAGNOSTIC_KINDS } from './model/diagnostic-kinds.js';
export type { DiagnosticKind, DiagnosticKindInfo } from './model/diagnostic-kinds.js';
export type { Clock } from './record/clock.js';
export { monotonicClock } from './record/clock.js';
export { encodeSpan, encodeSpans, encodeNdjson, toZipkinSpan } from './encode/json.js';
export type { ZipkinSpan } from './model/zipkin-span.js';
export { encodeSpansBytes, encodeNdjsonBytes } from './encode/bytes.js';
export { encodeSpansProto3 } from './encode/proto3.js';
export { memorySink } from './deliver/memory.js';
export type { MemorySink } from './deliver/memory.js';
export { ndjsonFileSink } from './deliver/ndjson-file.js';
export type { NdjsonFileSink } from './deliver/ndjson-file.js';
export { consoleSink } from './deliver/console.js';
export type { ConsoleSinkOptions } from './deliver/console.js';
export { zipkinLoggerSink, toZipkinModelSpan } from './deliver/zipkin-logger.js';
export type { ZipkinLogger } from './deliver/zipkin-logger.js';
export { zipkinHttpSink, DEFAULT_ZIPKIN_URL } from './deliver/zipkin-http.js';
export type { ZipkinHttpSink, ZipkinHttpSinkOptions } from './deliver/zipkin-http.js';
export { flushOnExit } from './record/exit-handler.js';
export type { FlushOnExitOptions, ExitSignal, ExitFlushable } from './record/exit-handler.js';
export { MAX_NAME_LENGTH, MAX_TAG_KEY_LENGTH, MAX_VALUE_LENGTH } from './model/limits.js';
export { summarize, compareSummaries, compareRuns, compareEnvironments, SpanSummarizer, UNDER_LOAD_PER_CPU } from './read/summarize.js';
export type {
  SpanSummary, SpanNameSummary, SummaryComparison, SpanNameComparison, SummarizableSpan, SummarizeOptions, CompareOptions, ComparisonSettings, RunEnvironment,
} from './read/summarize.js';
export { compareDurations, minSpansFor, DEFAULT_NOISE, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED } from './read/compare-stats.js';
export type {
  Verdict, DurationComparison, PercentileChange, ChangeInterval, MannWhitneyResult, ShiftEstimate, OutlierCounts, CompareStatsOptions, ComparedPercentile,
} from './read/compare-stats.js';
export { formatSummaryTable } from './read/summary-table.js';
export type { SummaryTableOptions, SourcedSummary } from './read/summary-table.js';
export { readSpanFile } from './read/span-file.js';
export type { SpanFileContents, SpanProblem } from './read/span-file.js';
