import * as http from 'node:http';
import * as https from 'node:https';

/** What the sink needs from an answer. */
export interface PostResult {
  readonly status: number;
  /** The `retry-after` header, as sent. */
  readonly retryAfter: string | null;
  /** The `location` header of a redirect, as sent. */
  readonly location: string | null;
  /** The body, read only for failures, at most `MAX_ERROR_BODY` characters. */
  readonly text: string;
}

/** One POST of a JSON body; rejects on network errors, and with the signal's reason when aborted. */
export interface HttpPoster {
  post(body: Uint8Array, signal: AbortSignal): Promise<PostResult>;
  /** Releases sockets. */
  close(): void;
}

/** Longest piece of a collector's error body kept for messages. */
export const MAX_ERROR_BODY = 500;

function headerSet(headers: Readonly<Record<string, string>>): Record<string, string> {
  // Ours last: a user header must not turn the body into something else.
  return { ...headers, 'content-type': 'application/json' };
}

/**
 * POSTs with `node:http` or `node:https` and a keep-alive agent of its own. Not `fetch`: it copies
 * every body and cost about half again as much CPU per span sent to a local Zipkin, and on Node 20
 * it takes no private CA without the undici package (`NODE_EXTRA_CA_CERTS` would change trust for
 * the whole process). Idle keep-alive sockets do not hold the process open.
 */
export function nodeTransport(url: URL, headers: Readonly<Record<string, string>>, ca: Array<string | Buffer> | undefined, maxSockets: number): HttpPoster {
  const secure = url.protocol === 'https:';
  const agent = secure ? new https.Agent({ ...(ca === undefined ? {} : { ca }), keepAlive: true, maxSockets }) : new http.Agent({ keepAlive: true, maxSockets });
  const request = secure ? https.request : http.request;
  const sent = headerSet(headers);
  return {
    post(body, signal) {
      return new Promise<PostResult>((resolve, fail) => {
        // Node wraps the reason in an AbortError; the sink tells a timeout by the reason itself.
        const reject = (error: unknown): void => fail(signal.aborted ? signal.reason : error);
        const req = request(url, { method: 'POST', agent, signal, headers: { ...sent, 'content-length': String(body.length) } }, (res) => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (!ok && text.length < MAX_ERROR_BODY) text += chunk;
          });
          res.on('end', () => {
            const { 'retry-after': retryAfter, location } = res.headers;
            resolve({
              status,
              retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
              location: typeof location === 'string' ? location : null,
              text: text.slice(0, MAX_ERROR_BODY),
            });
          });
          res.on('error', reject);
          res.on('aborted', () => reject(new Error('the response was cut off')));
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
