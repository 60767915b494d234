import { Agent, request } from 'node:https';

/** What the sink needs from an answer. */
export interface PostResult {
  readonly status: number;
  /** The `retry-after` header, as sent. */
  readonly retryAfter: string | null;
  /** The body, read only for failures, at most `MAX_ERROR_BODY` characters. */
  readonly text: string;
}

/** One POST of a JSON body; rejects on network errors and aborts. */
export interface Transport {
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

/** POSTs with Node's global fetch. */
export function fetchTransport(url: URL, headers: Readonly<Record<string, string>>): Transport {
  const target = url.href;
  const sent = headerSet(headers);
  return {
    async post(body, signal) {
      const res = await fetch(target, { method: 'POST', headers: sent, body, signal });
      const ok = res.status >= 200 && res.status < 300;
      // Reading the body frees the connection for reuse; success bodies are not needed.
      const text = ok ? (await res.arrayBuffer(), '') : (await res.text()).slice(0, MAX_ERROR_BODY);
      return { status: res.status, retryAfter: res.headers.get('retry-after'), text };
    },
    close() {
      // fetch's idle keep-alive sockets do not hold the process open.
    },
  };
}

/**
 * POSTs with `node:https` and a private CA: Node 20's fetch takes no CA without the undici
 * package, and `NODE_EXTRA_CA_CERTS` would change trust for the whole process.
 */
export function httpsTransport(url: URL, headers: Readonly<Record<string, string>>, ca: Array<string | Buffer>, maxSockets: number): Transport {
  const agent = new Agent({ ca, keepAlive: true, maxSockets });
  const sent = headerSet(headers);
  return {
    post(body, signal) {
      return new Promise<PostResult>((resolve, reject) => {
        const req = request(url, { method: 'POST', agent, signal, headers: { ...sent, 'content-length': String(body.length) } }, (res) => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (!ok && text.length < MAX_ERROR_BODY) text += chunk;
          });
          res.on('end', () => {
            const retryAfter = res.headers['retry-after'];
            resolve({ status, retryAfter: typeof retryAfter === 'string' ? retryAfter : null, text: text.slice(0, MAX_ERROR_BODY) });
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
