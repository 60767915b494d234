import diagnostics from 'node:diagnostics_channel';
import type { Endpoint } from '../model/endpoint.js';
import { hasRemoteEndpoint, spanEnded } from '../record/span.js';
import type { Span } from '../record/span-api.js';
import { peerOf } from './server.js';

/**
 * What the wire reports of one traced request, found by the span ID its own B3 header carries:
 * no AsyncLocalStorage, no patching. Node publishes these for `fetch` (undici) on Node 20+.
 */
export interface WireWatcher {
  /** The request's headers left for the peer (`ws`), on a socket to `peer`. */
  headersSent(peer: Endpoint | undefined): void;
  /** The response headers arrived (`wr`). */
  headersReceived(): void;
  /** The response body arrived to its end. */
  bodyDone(): void;
  /** The request or its body failed. */
  failed(error: unknown): void;
}

const CHANNELS = {
  sendHeaders: 'undici:client:sendHeaders',
  headers: 'undici:request:headers',
  trailers: 'undici:request:trailers',
  error: 'undici:request:error',
} as const;

// Declared once, as undici does: a channel object is cheap to keep and cheap to publish to.
const channels = {
  sendHeaders: diagnostics.channel(CHANNELS.sendHeaders),
  headers: diagnostics.channel(CHANNELS.headers),
  trailers: diagnostics.channel(CHANNELS.trailers),
  error: diagnostics.channel(CHANNELS.error),
};

const watched = new Map<string, WireWatcher>();
/** Requests already matched to a watcher: one header lookup per request, not one per event. */
const byRequest = new WeakMap<object, WireWatcher | null>();

/**
 * The span ID a request carries: in its B3 headers (multi or single) or its W3C traceparent, from
 * undici's flat [name, value, …] array or raw header text.
 */
function spanIdOf(headers: unknown): string | undefined {
  if (Array.isArray(headers)) {
    let w3c: string | undefined;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = String(headers[i]).toLowerCase();
      if (name === 'x-b3-spanid') return String(headers[i + 1]);
      if (name === 'b3') return String(headers[i + 1]).split('-')[1];
      if (name === 'traceparent') w3c = String(headers[i + 1]).slice(36, 52);
    }
    return w3c;
  }
  if (typeof headers === 'string') {
    const multi = /(?:^|\r\n)x-b3-spanid:\s*([0-9a-f]{16})/i.exec(headers);
    if (multi) return multi[1];
    const single = /(?:^|\r\n)b3:\s*[0-9a-f]+-([0-9a-f]{16})/i.exec(headers);
    if (single) return single[1];
    return /(?:^|\r\n)traceparent:\s*[0-9a-f]{2}-[0-9a-f]{32}-([0-9a-f]{16})/i.exec(headers)?.[1];
  }
  return undefined;
}

function watcherOf(message: unknown): WireWatcher | undefined {
  const request = (message as { request?: { headers?: unknown } } | undefined)?.request;
  if (request === undefined || request === null) return undefined;
  const known = byRequest.get(request);
  if (known !== undefined) return known ?? undefined;
  const id = spanIdOf(request.headers);
  const watcher = id === undefined ? undefined : watched.get(id);
  byRequest.set(request, watcher ?? null);
  return watcher;
}

// Each handler is guarded: a bug here must never throw into undici, and so into the user's fetch.
function onSendHeaders(message: unknown): void {
  try {
    const socket = (message as { socket?: { remoteAddress?: string; remotePort?: number } }).socket;
    watcherOf(message)?.headersSent(peerOf(socket?.remoteAddress, socket?.remotePort));
  } catch {
    // ignored: wire annotations are extras
  }
}
function onHeaders(message: unknown): void {
  try {
    watcherOf(message)?.headersReceived();
  } catch {
    // ignored
  }
}
function onTrailers(message: unknown): void {
  try {
    watcherOf(message)?.bodyDone();
  } catch {
    // ignored
  }
}
function onError(message: unknown): void {
  try {
    watcherOf(message)?.failed((message as { error?: unknown }).error);
  } catch {
    // ignored
  }
}

/**
 * Watches the request whose B3 span ID is `spanId` until the returned function is called. The
 * channels are subscribed only while something is watched, so untraced requests pay nothing.
 */
export function watchWire(spanId: string, watcher: WireWatcher): () => void {
  if (idle !== undefined) {
    clearTimeout(idle);
    idle = undefined;
  }
  if (!subscribed) {
    subscribed = true;
    channels.sendHeaders.subscribe(onSendHeaders);
    channels.headers.subscribe(onHeaders);
    channels.trailers.subscribe(onTrailers);
    channels.error.subscribe(onError);
  }
  watched.set(spanId, watcher);
  return () => {
    if (watched.get(spanId) !== watcher) return;
    watched.delete(spanId);
    // Not at once: requests one after another would subscribe and unsubscribe four channels each
    // time (about 5 µs); a second without traced requests ends the subscription.
    if (watched.size === 0 && idle === undefined) {
      idle = setTimeout(unsubscribeIfIdle, IDLE_MILLIS);
      idle.unref();
    }
  };
}

/**
 * Spans whose headers went to code of their own (`span.b3Headers()` passed to a plain `fetch`, an
 * SDK's extra headers): the request that carries them is annotated on the span too. Bounded, and
 * swept of ended spans, so a span that never sends its headers holds nothing for long.
 */
const handedOut = new Map<string, { readonly span: Span; readonly unwatch: () => void }>();
const MAX_HANDED_OUT = 10_000;
let sweeper: ReturnType<typeof setInterval> | undefined;

/** Watches requests that carry `span`'s ID, for a span whose headers user code took. */
export function watchHandedOut(span: Span, spanId: string): void {
  // Already watched: by span.fetch's own call, or by an earlier hand-out.
  if (watched.has(spanId)) return;
  if (handedOut.size >= MAX_HANDED_OUT) dropHandedOut(handedOut.keys().next().value as string);
  const open = (): boolean => !spanEnded(span);
  const unwatch = watchWire(spanId, {
    headersSent: (peer) => {
      if (!open()) return;
      span.annotate('ws');
      if (peer !== undefined && !hasRemoteEndpoint(span)) span.setRemoteEndpoint(peer);
    },
    headersReceived: () => {
      if (open()) span.annotate('wr');
    },
    // One request per hand-out: its end ends the watch.
    bodyDone: () => dropHandedOut(spanId),
    failed: () => dropHandedOut(spanId),
  });
  handedOut.set(spanId, { span, unwatch });
  if (sweeper === undefined) {
    sweeper = setInterval(sweepHandedOut, 1000);
    sweeper.unref();
  }
}

function dropHandedOut(spanId: string): void {
  const entry = handedOut.get(spanId);
  if (entry === undefined) return;
  handedOut.delete(spanId);
  entry.unwatch();
}

/** Ended spans are no longer watched; with nothing left the sweep stops. */
function sweepHandedOut(): void {
  for (const [id, { span }] of handedOut) if (spanEnded(span)) dropHandedOut(id);
  if (handedOut.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** How long the channels stay subscribed after the last watched request. */
const IDLE_MILLIS = 1000;
let subscribed = false;
let idle: ReturnType<typeof setTimeout> | undefined;

function unsubscribeIfIdle(): void {
  idle = undefined;
  if (watched.size > 0 || !subscribed) return;
  subscribed = false;
  channels.sendHeaders.unsubscribe(onSendHeaders);
  channels.headers.unsubscribe(onHeaders);
  channels.trailers.unsubscribe(onTrailers);
  channels.error.unsubscribe(onError);
}

/** Whether anything is subscribed now (for tests: nothing is left listening once idle). */
export function wireSubscribed(): boolean {
  return channels.headers.hasSubscribers;
}
