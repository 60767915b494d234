import * as http from 'node:http';
import * as https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import * as zlib from 'node:zlib';
import type { LeanAttempt } from './engine.js';
import { ACCEPTED, MAX_ERROR_BODY, type PostResult } from './zipkin-http-options.js';

/** How a POST ended: `result` when the collector answered, else `error` (a network error, or the reason it was cut off). */
export type PostAnswer = (attempt: LeanAttempt, result: PostResult | undefined, error: unknown) => void;

/** How a poster writes bodies: whether it gzips them first. */
export interface BodyFormat {
  readonly gzip: boolean;
}

/** A proto3 ListOfSpans starts with its first span's tag (field 1, length-delimited); a JSON array with `[`. */
const PROTO3_FIRST_BYTE = 0x0a;

/** Level 1: about 0.5 ms per 1,000 JSON spans for a body 12 times smaller; higher levels gain little on spans. */
const GZIP_OPTIONS: zlib.ZlibOptions = { level: 1 };

/** The handle of an attempt whose body is being compressed (on the thread pool). */
class Compressing {}

/** POSTs of span bodies, each answered once through the poster's `answer`. */
export interface HttpPoster {
  /** POSTs `body` for `attempt`, whose `handle` holds the request until it is answered. */
  post(attempt: LeanAttempt, body: Uint8Array): void;
  /** Cuts the attempt's request off: it is then answered with `reason` as its error. */
  cancel(attempt: LeanAttempt, reason: Error): void;
  /** Releases sockets. */
  close(): void;
}

// A request's state lives on the request itself: no closure or object per POST.
const ATTEMPT = Symbol('attempt');
const ANSWER = Symbol('answer');
const REASON = Symbol('reason');
const ERROR = Symbol('error');
const TEXT = Symbol('text');

/** A request as Node makes it (its `agent` and `res` are not in the types), with its attempt. */
interface Request extends http.ClientRequest {
  readonly agent: http.Agent;
  readonly res: http.IncomingMessage | null;
  [ATTEMPT]: LeanAttempt;
  /** Why it was cut off, when it was. */
  [REASON]?: Error;
  /** The first error the request or its response met. */
  [ERROR]?: Error;
}

interface Agent extends http.Agent {
  [ANSWER]: PostAnswer;
}

interface Response extends http.IncomingMessage {
  [TEXT]?: string;
  req: Request;
}

/** Answers the request's attempt, once: the attempt holds the request as its handle until then. */
function settle(req: Request, result: PostResult | undefined, error: unknown): void {
  const attempt = req[ATTEMPT];
  if (attempt.handle !== req) return;
  attempt.handle = undefined;
  (req.agent as Agent)[ANSWER](attempt, result, req[REASON] ?? error);
}

function onResponse(this: Request, res: http.IncomingMessage): void {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) {
    // Read to the end (the socket goes back to the agent), but not kept.
    res.resume();
  } else {
    (res as Response)[TEXT] = '';
    res.setEncoding('utf8');
    res.on('data', onFailureData);
  }
  res.on('error', onResponseError);
  res.on('aborted', onResponseAborted);
}

function onFailureData(this: Response, chunk: string): void {
  const text = this[TEXT] ?? '';
  if (text.length < MAX_ERROR_BODY) this[TEXT] = text + chunk;
}

/** A response read to its end: accepted, or the failure with what the collector said. */
function answered(req: Request, res: Response): void {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return settle(req, ACCEPTED, undefined);
  const { 'retry-after': retryAfter, location } = res.headers;
  settle(req, {
    status,
    retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
    location: typeof location === 'string' ? location : null,
    text: (res[TEXT] ?? '').slice(0, MAX_ERROR_BODY),
  }, undefined);
}

function onResponseError(this: Response, error: Error): void {
  this.req[ERROR] ??= error;
}

function onResponseAborted(this: Response): void {
  this.req[ERROR] ??= new Error('the response was cut off');
}

function onRequestError(this: Request, error: Error): void {
  this[ERROR] ??= error;
}

/**
 * The request is over. It is answered on the next tick: a keep-alive socket goes back to the agent
 * right after 'close', and the engine may start the next POST in the answer, which must find it free
 * (else the agent opens a new connection).
 */
function onRequestClose(this: Request): void {
  process.nextTick(closed, this);
}

function closed(req: Request): void {
  const res = req.res as Response | null;
  if (res !== null && res.complete && req[REASON] === undefined && req[ERROR] === undefined) answered(req, res);
  else settle(req, undefined, req[ERROR] ?? new Error('the connection closed before an answer'));
}

/**
 * POSTs with `node:http` or `node:https` and a keep-alive agent of its own. Not `fetch`: it copies
 * every body and cost about half again as much CPU per span sent to a local Zipkin, and on Node 20
 * it takes no private CA without the undici package (`NODE_EXTRA_CA_CERTS` would change trust for
 * the whole process). Idle keep-alive sockets do not hold the process open. The request options are
 * built once; `end(body)` sets the content length. Nothing is allocated per POST but the request
 * and its response: their listeners are shared functions, the attempt hangs off the request.
 */
export function nodeTransport(url: URL, headers: Readonly<Record<string, string>>, ca: Array<string | Buffer> | undefined, maxSockets: number, format: BodyFormat, answer: PostAnswer): HttpPoster {
  const secure = url.protocol === 'https:';
  const agent = (secure ? new https.Agent({ ...(ca === undefined ? {} : { ca }), keepAlive: true, maxSockets }) : new http.Agent({ keepAlive: true, maxSockets })) as Agent;
  agent[ANSWER] = answer;
  const request = secure ? https.request : http.request;
  // Ours last: a user header must not turn the body into something else.
  const own: Record<string, string> = format.gzip ? { 'content-encoding': 'gzip' } : {};
  const base = urlToHttpOptions(url);
  // The type goes by the body's first byte, so a spool written in the other encoding is sent as what it is.
  const json: http.RequestOptions = { ...base, method: 'POST', agent, headers: { ...headers, ...own, 'content-type': 'application/json' } };
  const proto3: http.RequestOptions = { ...base, method: 'POST', agent, headers: { ...headers, ...own, 'content-type': 'application/x-protobuf' } };
  // A body's compressed form, made once for all its attempts (a retry sends the same bytes).
  const zipped = new WeakMap<Uint8Array, Buffer>();
  const send = (attempt: LeanAttempt, body: Uint8Array, first: number | undefined): void => {
    const req = request(first === PROTO3_FIRST_BYTE ? proto3 : json) as Request;
    req[ATTEMPT] = attempt;
    attempt.handle = req;
    // Every outcome is taken on 'close' (which always comes, last): errors and the response are noted before.
    req.on('response', onResponse);
    req.on('error', onRequestError);
    req.on('close', onRequestClose);
    req.end(body);
  };
  return {
    post(attempt, body) {
      if (!format.gzip) return send(attempt, body, body[0]);
      const done = zipped.get(body);
      if (done !== undefined) return send(attempt, done, body[0]);
      const compressing = new Compressing();
      attempt.handle = compressing;
      // On the thread pool: the event loop goes on meanwhile. The body is not touched until the attempt is answered.
      zlib.gzip(body, GZIP_OPTIONS, (error, out) => {
        if (attempt.handle !== compressing) return; // cut off meanwhile, and answered then
        attempt.handle = undefined;
        if (error !== null) return answer(attempt, undefined, error);
        zipped.set(body, out);
        send(attempt, out, body[0]);
      });
    },
    cancel(attempt, reason) {
      const req = attempt.handle;
      if (req instanceof Compressing) {
        attempt.handle = undefined;
        answer(attempt, undefined, reason);
        return;
      }
      if (!(req instanceof http.ClientRequest)) return;
      (req as Request)[REASON] = reason;
      req.destroy(reason);
    },
    close() {
      agent.destroy();
    },
  };
}
