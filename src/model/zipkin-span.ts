import type { Endpoint } from './endpoint.js';
import type { Annotation, SpanKind } from './span-record.js';

/** A span in Zipkin's v2 JSON model, as a plain object. */
export interface ZipkinSpan {
  traceId: string;
  parentId?: string;
  id: string;
  kind?: SpanKind;
  name?: string;
  timestamp?: number;
  duration?: number;
  debug?: boolean;
  shared?: boolean;
  localEndpoint?: Endpoint;
  remoteEndpoint?: Endpoint;
  annotations?: Annotation[];
  tags?: Record<string, string>;
}
