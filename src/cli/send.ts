// `deferred-span send`: span files recorded offline (NDJSON, the embedded default sink's output) sent
// to Zipkin afterwards, through the library's own delivery engine (batches, retries, bisect on 400).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DIAGNOSTIC_KINDS, type DiagnosticKind } from '../model/diagnostic-kinds.js';
import type { DiagnosticEvent } from '../model/diagnostics.js';
import type { FlushOptions, Sink, SinkStats } from '../model/sink.js';
import { OptionsError } from '../model/options-error.js';
import { formatProgress } from '../jobs/progress.js';
import { spanChunks } from '../read/span-chunks.js';
import { printable } from '../read/waterfall.js';
import { urlCredentials, CredentialRedactor } from '../read/zipkin-query.js';
import { zipkinSpanRecord } from '../read/zipkin-span-record.js';
import type { CliCommand } from './command.js';
import { NothingError, UsageError } from './errors.js';
import { EXIT_NOT_DELIVERED, EXIT_OK, EXIT_SKIPPED, EXIT_STATUS_HELP } from './exit-codes.js';
import { DEFAULT_ZIPKIN_URL } from '../deliver/zipkin-http-options.js';
import type { CliIo, CliWriter } from './io.js';
import { parseCommandArgs } from './parse-args.js';
import { ProblemReport } from './problem-report.js';
import { describeReadError, noValidSpan } from './span-file-messages.js';

const DEFAULT_TIMEOUT_SECONDS = 10;
const DEFAULT_RETRIES = 5;
/** The engine's longest backoff (its default), for the close deadline. */
const MAX_BACKOFF_MILLIS = 10_000;
/** Spans handed to the sink and not yet answered, at most: reading waits past it, so memory stays flat. */
const MAX_LIVE_SPANS = 20_000;
/** The same bound in characters of JSON (at most 3 bytes each once encoded), under the sink's 64 MiB queue. */
const MAX_LIVE_CHARS = 16 * 1024 * 1024;
/** Reasons kept per kind of loss, and bad lines quoted in the account. */
const REASONS_SHOWN = 3;
const REASON_LENGTH = 300;
const PROGRESS_MILLIS = 200;

const SEND_HELP = `Usage: deferred-span send FILE|DIR ... [options]

Sends Zipkin v2 spans recorded to files (NDJSON: one span, or a JSON array of spans, per line; what
the embedded default sink writes) to Zipkin, through the same delivery as the library's Zipkin
sink: batches of up to 1,000 spans, retries with backoff on network errors, timeouts, 429 and 5xx,
and on a 400 the batch is split until the rejected span stands alone, so only that one is lost.
Each line is checked first: a bad line is reported with its file and line number and skipped.
A DIR sends every *.ndjson and *.json file in it, in name order. Files are read as they are sent:
a file of any size needs memory for a few thousand spans only.

A DIR that is a disk spool (a sink's spool.dir, holding NNNNNNNNNNNN.seg files) is replayed as
the next run of its job would: oldest first, each segment deleted once all its spans were
delivered; what cannot be delivered stays there for a later run. Send it on its own, and not while
the process that owns it runs.

When a batch still fails after its retries (the collector is down), or the collector refuses the
spans (401, 403, 404: a wrong URL or credentials), nothing more is sent: the rest is read, checked
and counted as not delivered. Spans that were in flight then may have reached Zipkin anyway.

Ends with an account on stdout: spans sent, rejected by the collector (with its reasons), not
delivered (with the reason), and bad lines skipped (the first few with file:line and why).

Options:
  --to URL           where to send: Zipkin's base URL (http://host:9411) or its span endpoint
                     (…/api/v2/spans). Credentials in it (http://user:password@host) are sent as
                     Basic auth and never printed. Or kafka://HOST:PORT[,HOST:PORT…]/TOPIC for
                     Zipkin's Kafka collector (topic default: zipkin; needs kafkajs installed).
                     Default: $OTEL_EXPORTER_ZIPKIN_ENDPOINT, else ${DEFAULT_ZIPKIN_URL}
  --header 'NAME: VALUE'  an extra request header, like 'authorization: Bearer …' (repeatable)
  --timeout SECONDS  give up on a request not answered in this time, and retry it. Default: ${DEFAULT_TIMEOUT_SECONDS}
  --retries N        retries of a batch before the collector counts as down. Default: ${DEFAULT_RETRIES}
  --dry-run          only check the files and print the account; nothing is sent
  --json             print the account as JSON, for scripts
  -h, --help         show this help

A progress line is drawn on stderr when it is a terminal.

Examples:
  deferred-span send /tmp/deferred-span/ --to http://zipkin:9411
  OTEL_EXPORTER_ZIPKIN_ENDPOINT=http://zipkin:9411/api/v2/spans deferred-span send ci-run.ndjson
  deferred-span send spans.ndjson --dry-run

${EXIT_STATUS_HELP}`;

/** The account of a run; also the shape of the `--json` output. */
interface Account {
  to: string;
  dryRun: boolean;
  files: number;
  /** Valid spans read from the files. */
  spans: number;
  sent: number;
  rejected: number;
  notDelivered: number;
  skipped: number;
  seconds: number;
  rejectedReasons: string[];
  notDeliveredReasons: string[];
  /** The first few bad lines, `file:line: why`. */
  badLines: string[];
  /** For a spool directory: what is left in it afterwards. */
  spool?: { dir: string; segmentsLeft: number; bytesLeft: number };
}

/** What `send` needs of a sink: an engine-based one (`zipkinHttpSink`, `kafkaSink`). */
type SendingSink = Sink & { stats(): SinkStats; flush(o?: FlushOptions): Promise<void>; close(o?: FlushOptions): Promise<void>; whenPendingAtMost(limit: number): Promise<void> };

/** Where spans go: the sink, and its address for messages (no credentials). */
interface Destination {
  readonly shown: string;
  /** Starts the sink; `extra` adds options (a spool to replay). */
  readonly make: (onError: (event: DiagnosticEvent) => void, extra: { spool?: { dir: string } }) => Promise<SendingSink>;
}

const seconds = (value: string | undefined, option: string, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 2_147_483) {
    throw new UsageError(`${option} ${JSON.stringify(value)}: expected a number of seconds above 0, like ${fallback}`);
  }
  return n;
};

const count = (value: string | undefined, option: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value.trim())) throw new UsageError(`${option} ${JSON.stringify(value)}: expected a whole number, 0 or more, like ${fallback}`);
  return Number(value);
};

/** `--header 'name: value'` options as an object; a bad name or value is the sink's OptionsError, turned into a UsageError later. */
function parseHeaders(values: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of values) {
    const colon = h.indexOf(':');
    // The value is not quoted back: it is usually a credential.
    if (colon <= 0) throw new UsageError(`--header: expected 'NAME: VALUE', like 'authorization: Bearer …', got a header without a name and a colon`);
    headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
  }
  return headers;
}

/** How the sink delivers: what the options say, and what reading needs (a queue that never drops, no warnings). */
interface Delivery {
  readonly timeoutMillis: number;
  readonly retries: number;
}

function deliveryOptions(d: Delivery, onError: (event: DiagnosticEvent) => void) {
  return {
    timeoutMillis: d.timeoutMillis,
    maxRetries: d.retries,
    maxBackoffMillis: MAX_BACKOFF_MILLIS,
    // Reading keeps at most MAX_LIVE_SPANS live: the queue never has to drop.
    maxQueueSpans: 2 * MAX_LIVE_SPANS,
    flushIntervalMillis: 100,
    onError,
    // The account says what went wrong, once, at the end.
    warnings: false,
  };
}

/** A sink's OptionsError (a bad header, a bad broker) is a mistake in the command line. */
function made<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof OptionsError) throw new UsageError(error.message);
    throw error;
  }
}

/** `kafka://host:port[,host:port…][/topic]`: Zipkin's Kafka collector, through `kafkaSink`. */
function kafkaDestination(raw: string, from: string, delivery: Delivery): Destination {
  const m = /^kafka:\/\/([^/?#@]+)(?:\/([^/?#]*))?$/i.exec(raw.trim());
  if (m === null) {
    throw new UsageError(`${from}: expected kafka://HOST:PORT/TOPIC (brokers separated by commas; credentials are not taken in the URL), like kafka://localhost:9092/zipkin`);
  }
  const brokers = m[1]!.split(',').map((b) => b.trim()).filter((b) => b !== '');
  let topic: string | undefined;
  try {
    topic = m[2] === undefined || m[2] === '' ? undefined : decodeURIComponent(m[2]);
  } catch {
    throw new UsageError(`${from}: the topic in ${raw} has a bad %-escape`);
  }
  return {
    shown: `kafka://${brokers.join(',')}/${topic ?? 'zipkin'}`,
    make: async (onError, extra) => {
      const { kafkaSink } = await import('../deliver/kafka.js');
      return made(() => kafkaSink({ brokers, ...(topic === undefined ? {} : { topic }), ...deliveryOptions(delivery, onError), ...extra }));
    },
  };
}

/** `--to`, else the environment, else localhost, as an HTTP destination. */
async function httpDestination(raw: string, from: string, headers: Record<string, string>, delivery: Delivery): Promise<Destination> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const redact = new CredentialRedactor(urlCredentials(raw));
    throw new UsageError(redact.text(`${from} "${raw}" is not a URL; give Zipkin's address, like http://localhost:9411`));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${from}: ${url.protocol} URLs are not supported; give Zipkin's http(s) address, like http://localhost:9411`);
  }
  const { spansUrl } = await import('../deliver/zipkin-http-options.js');
  if (url.username !== '' || url.password !== '') {
    const decode = (s: string): string => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    headers = { authorization: 'Basic ' + Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64'), ...headers };
    url.username = '';
    url.password = '';
  }
  const target = spansUrl(url);
  return {
    shown: target.origin + target.pathname,
    make: async (onError, extra) => {
      const { zipkinHttpSink } = await import('../deliver/zipkin-http.js');
      return made(() => zipkinHttpSink({ url: target.href, headers, ...deliveryOptions(delivery, onError), ...extra }));
    },
  };
}

/** Whether `dir` is a disk spool (a sink's `spool.dir`): it holds segment files. */
async function isSpool(names: readonly string[]): Promise<boolean> {
  // The spool's module is loaded only for a folder that may be one.
  if (!names.some((n) => n.endsWith('.seg'))) return false;
  const { segmentId } = await import('../deliver/spool-segment.js');
  return names.some((n) => segmentId(n) !== undefined);
}

/** The inputs named on the command line: files, a DIR standing for its *.ndjson and *.json files, and spool directories. */
async function inputFiles(paths: readonly string[]): Promise<{ files: string[]; spools: string[] }> {
  const files: string[] = [];
  const spools: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new NothingError(describeReadError(path, error));
    }
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    let all: string[];
    try {
      all = await readdir(path);
    } catch (error) {
      throw new NothingError(describeReadError(path, error));
    }
    if (await isSpool(all)) {
      spools.push(path);
      continue;
    }
    const found: string[] = [];
    for (const name of all.filter((n) => /\.(?:ndjson|json)$/i.test(n)).sort()) {
      const file = join(path, name);
      if ((await stat(file).catch(() => undefined))?.isFile() === true) found.push(file);
    }
    if (found.length === 0) throw new NothingError(`no *.ndjson or *.json file in ${path}, and it is not a spool directory; give span files, or the folder they were written to`);
    files.push(...found);
  }
  return { files: [...new Set(files)], spools: [...new Set(spools)] };
}

/** Kinds after which no later batch can fare better (the collector is down, refuses us, or cannot be reached at all): sending stops. */
const STOPPING: ReadonlySet<DiagnosticKind> = new Set<DiagnosticKind>([
  'ZIPKIN_RETRIES_EXHAUSTED', 'RETRIES_EXHAUSTED', 'ZIPKIN_REFUSED', 'ZIPKIN_REDIRECTED', 'KAFKA_REFUSED', 'KAFKA_CLIENT_MISSING',
]);

/**
 * What a report of the sink means for the account, read from the registry's own words ("counted as
 * rejected"): a loss of which kind, or none (a failure that is retried), and whether sending stops.
 */
function classify(kind: DiagnosticKind): { loss: 'rejected' | 'notDelivered' | undefined; stop: boolean } {
  const counted = /counted as (\w+)/.exec(DIAGNOSTIC_KINDS[kind]?.meaning ?? '')?.[1];
  const loss = counted === undefined ? undefined : counted === 'rejected' ? 'rejected' : 'notDelivered';
  return { loss, stop: STOPPING.has(kind) };
}

/** A line redrawn in place on a terminal; nothing at all elsewhere. */
class ProgressDisplay {
  readonly #out: CliWriter;
  readonly #started = performance.now();
  #timer: ReturnType<typeof setInterval> | undefined;
  #drawn = false;

  constructor(out: CliWriter, text: (elapsedMillis: number) => string) {
    this.#out = out;
    if (out.isTTY !== true) return;
    this.#timer = setInterval(() => {
      let line = text(performance.now() - this.#started);
      const columns = out.columns ?? 0;
      if (columns > 1 && line.length >= columns) line = line.slice(0, columns - 1);
      out.write(`\r${line}\x1b[K`);
      this.#drawn = true;
    }, PROGRESS_MILLIS);
    this.#timer.unref();
  }

  /** Erases the line, so the account stands alone. */
  stop(): void {
    clearInterval(this.#timer);
    if (this.#drawn) this.#out.write('\r\x1b[K');
    this.#drawn = false;
  }
}

const cut = (text: string): string => (text.length > REASON_LENGTH ? text.slice(0, REASON_LENGTH - 1) + '…' : text);

/** What the sink reported, kept for the account: the first few messages of each kind of loss, and why sending stopped. */
class Losses {
  readonly #shown: string;
  readonly #reported = new Map<DiagnosticKind, string[]>();
  /** Failures in a row since the last delivery (a spool retries forever: this says when to stop). */
  #failuresInRow = 0;
  #lastSent = 0;
  /** Why sending stopped, once it did. */
  stopped: string | undefined;
  /** Why the spool directory could not be used (another process owns it, it cannot be read). */
  spoolUnusable: string | undefined;
  #lastFailure: string | undefined;

  constructor(shown: string, readonly maxFailuresInRow: number) {
    this.#shown = shown;
  }

  readonly onError = (event: DiagnosticEvent): void => {
    const message = cut(event.message.replaceAll(this.#shown, 'the collector'));
    if (event.kind === 'SPOOL_LOCKED' || event.kind === 'SPOOL_UNAVAILABLE') {
      this.spoolUnusable ??= event.message;
      return;
    }
    const { loss, stop } = classify(event.kind);
    // A corrupt spool record is a loss the registry does not count in spans: said, not counted as a failure to send.
    if (loss === undefined && event.kind !== 'SPOOL_CORRUPT') {
      this.#lastFailure = message;
      if (++this.#failuresInRow > this.maxFailuresInRow) this.stopped ??= `${this.#failuresInRow} attempts in a row failed, the last: ${message.replace(/; retrying with backoff$/, '')}`;
    } else {
      const list = this.#reported.get(event.kind) ?? [];
      if (list.length < REASONS_SHOWN && !list.includes(message)) list.push(message);
      this.#reported.set(event.kind, list);
    }
    if (stop) this.stopped ??= message;
  };

  /** Called with the sink's count of spans sent: a delivery ends a run of failures. */
  progress(sent: number): void {
    if (sent > this.#lastSent) this.#failuresInRow = 0;
    this.#lastSent = sent;
  }

  /** The reasons for the account, `unsent` spans not even tried after a stop. */
  reasons(notDelivered: number, unsent: number): { rejected: string[]; notDelivered: string[] } {
    const rejected: string[] = [];
    const lost: string[] = [];
    if (this.stopped !== undefined) lost.push(`${unsent > 0 ? `${unsent} not sent, as ` : ''}sending stopped here: ${this.stopped}`);
    for (const [kind, messages] of this.#reported) {
      const { loss, stop } = classify(kind);
      // After a stop, what close() gave up at once is the stop's doing, already said.
      if (stop && loss === 'notDelivered') continue;
      if (this.stopped !== undefined && kind.endsWith('CLOSE_TIMEOUT')) continue;
      (loss === 'rejected' ? rejected : lost).push(...messages);
    }
    if (notDelivered > 0 && lost.length === 0 && this.#lastFailure !== undefined) lost.push(this.#lastFailure);
    return { rejected: rejected.slice(0, REASONS_SHOWN), notDelivered: lost.slice(0, REASONS_SHOWN) };
  }
}

function accountLines(a: Account): string[] {
  const reasons = (list: string[]): string => (list.length === 0 ? '' : ` (${list.map((r) => printable(r)).join('; ')})`);
  const s = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  const losses = `rejected ${a.rejected}${reasons(a.rejectedReasons)}, not delivered ${a.notDelivered}${reasons(a.notDeliveredReasons)}`;
  if (a.spool !== undefined && a.dryRun) {
    return [`spool ${printable(a.spool.dir)}, for ${a.to}`, `dry run: nothing sent; the spool holds ${s(a.spool.segmentsLeft, 'segment file', 'segment files')} (${a.spool.bytesLeft} bytes)`];
  }
  if (a.spool !== undefined) {
    const left = a.spool.segmentsLeft === 0 ? 'nothing left in the spool' : `left in the spool for a later run: ${s(a.spool.segmentsLeft, 'segment file', 'segment files')} (${a.spool.bytesLeft} bytes)`;
    return [`spool ${printable(a.spool.dir)}, ${s(a.spans, 'span', 'spans')} read back, to ${a.to} in ${a.seconds.toFixed(1)}s`, `sent ${a.sent}, ${losses}, ${left}`];
  }
  const where = `${s(a.files, 'file', 'files')}, ${s(a.spans, 'valid span', 'valid spans')}, ${a.dryRun ? 'for' : 'to'} ${a.to} in ${a.seconds.toFixed(1)}s`;
  const skipped = `skipped ${s(a.skipped, 'bad line', 'bad lines')}${reasons(a.badLines.length < a.skipped ? [...a.badLines, '…'] : a.badLines)}`;
  if (a.dryRun) return [where, `dry run: nothing sent; would send ${a.spans}, ${skipped}`];
  return [where, `sent ${a.sent}, ${losses}, ${skipped}`];
}

/** The exit status of an account: lost spans first, then skipped lines. */
function exitStatus(a: Account): number {
  if (a.dryRun) return a.skipped > 0 ? EXIT_SKIPPED : EXIT_OK;
  if (a.rejected + a.notDelivered > 0 || (a.spool?.segmentsLeft ?? 0) > 0) return EXIT_NOT_DELIVERED;
  return a.skipped > 0 ? EXIT_SKIPPED : EXIT_OK;
}

const dropped = (st: SinkStats | undefined): number => (st === undefined ? 0 : st.dropped.rejected + st.dropped.expired + st.dropped.queueFull + st.dropped.sinkFailed);

/** What a run needs besides its inputs. */
interface Run {
  readonly io: CliIo;
  readonly destination: Destination;
  readonly delivery: Delivery;
  readonly dryRun: boolean;
}

/** Sends span files: read in chunks, checked line by line, handed to the sink as it has room. */
async function sendFiles(files: readonly string[], { io, destination, delivery, dryRun }: Run): Promise<Account> {
  const started = performance.now();
  const problems = new ProblemReport(io);
  const badLines: string[] = [];
  const losses = new Losses(destination.shown, Infinity);
  const sink = dryRun ? undefined : await destination.make(losses.onError, {});
  let spans = 0;
  let unsent = 0;
  let bytesRead = 0;
  let totalBytes = 0;
  for (const file of files) totalBytes += (await stat(file).catch(() => undefined))?.size ?? 0;
  const progress = new ProgressDisplay(io.stderr, (elapsed) => {
    const st = sink?.stats();
    const line = formatProgress({ done: st?.sent ?? spans, failed: dropped(st) + unsent, inFlight: st === undefined ? 0 : st.queued + st.inFlight }, elapsed, dryRun ? 'spans checked' : 'spans sent');
    return totalBytes > 0 ? `${line} · ${Math.min(100, (bytesRead * 100) / totalBytes).toFixed(1)}% read` : line;
  });
  try {
    let before = 0;
    for (const file of files) {
      const skippedBefore = problems.skipped;
      let lines = 0;
      let fileSpans = 0;
      const onProblem = (p: { line: number; message: string }): void => {
        problems.add(file, p);
        if (badLines.length < REASONS_SHOWN) badLines.push(cut(`${file}:${p.line}: ${p.message}`));
      };
      try {
        for await (const chunk of spanChunks(file, onProblem)) {
          bytesRead = before + chunk.bytesRead;
          lines = chunk.line;
          const n = chunk.spans.length;
          if (n === 0) continue;
          spans += n;
          fileSpans += n;
          if (sink === undefined) continue;
          // Wait for room, so the sink's queue never has to drop and memory stays flat.
          const limit = Math.max(1, Math.min(MAX_LIVE_SPANS, Math.floor((MAX_LIVE_CHARS * n) / Math.max(1, chunk.chars))));
          // Woken by the engine as batches finish; a chunk larger than the limit goes once the queue is empty.
          while (losses.stopped === undefined) {
            const st = sink.stats();
            if (st.queued + st.inFlight === 0 || st.queued + st.inFlight + n <= limit) break;
            await sink.whenPendingAtMost(Math.max(0, limit - n));
          }
          // Once the collector is gone, the rest is only checked and counted.
          if (losses.stopped !== undefined) unsent += n;
          else sink.write(chunk.spans.map(zipkinSpanRecord));
        }
      } catch (error) {
        // Only opening can fail this way: the files were all there a moment ago.
        throw new NothingError(describeReadError(file, error));
      }
      before = bytesRead;
      if (files.length === 1 && fileSpans === 0) {
        problems.finish();
        throw new NothingError(noValidSpan(file, lines, problems.skipped - skippedBefore));
      }
    }
    // What is in flight gets its retries; after a stop it is given up at once (the collector is gone).
    await sink?.close({ timeoutMillis: losses.stopped !== undefined ? 0 : closeMillis(delivery) });
  } finally {
    progress.stop();
    // After a failure (a file that vanished) nothing is waited for; after the close above, this returns its result.
    await sink?.close({ timeoutMillis: 0 });
  }
  problems.finish();
  if (spans === 0) throw new NothingError(`no valid span in ${files.length} files (${problems.skipped} bad lines skipped); they should hold one Zipkin v2 span as JSON per line`);
  const st = sink?.stats();
  const sent = st?.sent ?? 0;
  const rejected = st?.dropped.rejected ?? 0;
  // Every span read is sent, rejected or not delivered: what the sink did not deliver or reject, it lost.
  const notDelivered = dryRun ? 0 : spans - sent - rejected;
  const reasons = losses.reasons(notDelivered, unsent);
  return {
    to: destination.shown, dryRun, files: files.length, spans, sent, rejected, notDelivered, skipped: problems.skipped,
    seconds: (performance.now() - started) / 1000, rejectedReasons: reasons.rejected, notDeliveredReasons: reasons.notDelivered, badLines,
  };
}

/** How long close() may take to deliver what is in flight: every retry of a batch, with room to spare. */
const closeMillis = (d: Delivery): number => (d.retries + 1) * (d.timeoutMillis + MAX_BACKOFF_MILLIS) + 5_000;

/** The segment files of a spool directory, with their sizes. */
async function segments(dir: string): Promise<{ count: number; bytes: number }> {
  const { segmentId } = await import('../deliver/spool-segment.js');
  let count = 0;
  let bytes = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (segmentId(name) === undefined) continue;
    const size = (await stat(join(dir, name)).catch(() => undefined))?.size;
    if (size === undefined) continue;
    count++;
    bytes += size;
  }
  return { count, bytes };
}

/**
 * Sends a disk spool (a sink's `spool.dir`) as the next run of its job would: a sink started on the
 * directory replays it, oldest first, and deletes each segment once all its spans were acknowledged.
 * What it cannot deliver stays there for a later run.
 */
async function sendSpool(dir: string, { io, destination, delivery, dryRun }: Run): Promise<Account> {
  const started = performance.now();
  const before = await segments(dir);
  const base = { to: destination.shown, dryRun, files: 0, skipped: 0, badLines: [] };
  if (dryRun) {
    return { ...base, spans: 0, sent: 0, rejected: 0, notDelivered: 0, seconds: (performance.now() - started) / 1000, rejectedReasons: [], notDeliveredReasons: [], spool: { dir, segmentsLeft: before.count, bytesLeft: before.bytes } };
  }
  // A spool retries its batches until they are delivered: after `retries` failures in a row the collector counts as down.
  const losses = new Losses(destination.shown, delivery.retries);
  const sink = await destination.make(losses.onError, { spool: { dir } });
  const progress = new ProgressDisplay(io.stderr, (elapsed) => {
    const st = sink.stats();
    return formatProgress({ done: st.sent, failed: dropped(st), inFlight: st.queued + st.inFlight }, elapsed, 'spans sent');
  });
  try {
    // Flush resolves once the spool was opened and read to its end, every record delivered or dropped.
    const flushed = sink.flush({ timeoutMillis: closeMillis(delivery) * Math.max(1, before.count) });
    let done = false;
    void flushed.finally(() => (done = true));
    while (!done && losses.stopped === undefined) {
      await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, 50))]);
      losses.progress(sink.stats().sent);
    }
  } finally {
    progress.stop();
    // After a stop, what is left stays on disk for a later run.
    await sink.close({ timeoutMillis: losses.stopped !== undefined ? 0 : closeMillis(delivery) });
  }
  if (losses.spoolUnusable !== undefined) {
    const why = losses.spoolUnusable.replace(/; this sink keeps.*$|; spans are kept.*$/s, '');
    const fix = /owned by/.test(why) ? ': that process replays it itself; send it once the process has ended' : '; check its permissions';
    throw new NothingError(`cannot send the spool: ${why}${fix}`);
  }
  const st = sink.stats();
  const after = await segments(dir);
  const spans = st.replayed ?? 0;
  const rejected = st.dropped.rejected;
  const notDelivered = Math.max(0, spans - st.sent - rejected);
  const reasons = losses.reasons(notDelivered + (after.count > 0 ? 1 : 0), 0);
  return {
    ...base, spans, sent: st.sent, rejected, notDelivered, seconds: (performance.now() - started) / 1000,
    rejectedReasons: reasons.rejected, notDeliveredReasons: reasons.notDelivered, spool: { dir, segmentsLeft: after.count, bytesLeft: after.bytes },
  };
}

async function send(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(sendCommand, args, io, {
    to: { type: 'string' },
    header: { type: 'string', multiple: true },
    timeout: { type: 'string' },
    retries: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (parsed === undefined) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError('missing FILE: say which span files to send, like `deferred-span send spans.ndjson --to http://zipkin:9411`. Run `deferred-span send --help` for more.');
  const timeoutMillis = Math.round(seconds(values.timeout, '--timeout', DEFAULT_TIMEOUT_SECONDS) * 1000);
  const retries = count(values.retries, '--retries', DEFAULT_RETRIES);
  const headers = parseHeaders(values.header ?? []);
  const env = io.env ?? process.env;
  const fromEnv = env.OTEL_EXPORTER_ZIPKIN_ENDPOINT;
  const [raw, from] = values.to !== undefined ? [values.to, '--to'] : fromEnv !== undefined && fromEnv !== '' ? [fromEnv, 'OTEL_EXPORTER_ZIPKIN_ENDPOINT'] : [DEFAULT_ZIPKIN_URL, 'the default URL'];
  const delivery: Delivery = { timeoutMillis, retries };
  const kafka = /^kafka:/i.test(raw);
  if (kafka && Object.keys(headers).length > 0) throw new UsageError('--header applies to HTTP collectors only, not to kafka:// ones');
  const destination = kafka ? kafkaDestination(raw, from, delivery) : await httpDestination(raw, from, headers, delivery);
  const inputs = await inputFiles(positionals);
  const run: Run = { io, destination, delivery, dryRun: values['dry-run'] === true };
  let account: Account;
  if (inputs.spools.length > 0) {
    if (inputs.spools.length > 1 || inputs.files.length > 0) {
      throw new UsageError(`${inputs.spools[0]} is a spool directory (a sink's spool.dir): send it on its own, like \`deferred-span send ${inputs.spools[0]}\`, and the span files in another run`);
    }
    account = await sendSpool(inputs.spools[0]!, run);
  } else {
    account = await sendFiles(inputs.files, run);
  }
  io.stdout.write(values.json === true ? JSON.stringify(account) + '\n' : accountLines(account).join('\n') + '\n');
  return exitStatus(account);
}

/** `send FILE|DIR ... [--to URL]`: span files recorded offline, sent to Zipkin afterwards. */
export const sendCommand: CliCommand = {
  name: 'send',
  synopsis: 'FILE|DIR… [--to URL]',
  summary: 'send span files to Zipkin',
  usage: SEND_HELP,
  run: send,
};
