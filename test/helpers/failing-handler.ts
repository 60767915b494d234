// A server whose handler fails, run in a child process (its uncaught exception or unhandled
// rejection would be the test runner's otherwise), once without tracing and once with
// tracer.httpHandler, each fetched once: what the process saw, what the client got, the spans.
import { fileURLToPath } from 'node:url';
import type { ZipkinSpan } from '../../src/index.js';
import { runModule } from './process.js';

const helpers = fileURLToPath(new URL('./http-spans.ts', import.meta.url));

export interface FailingHandlerReport {
  /** What reached the process's `event` listener: the message, and whether it is the very error. */
  readonly seen: Array<{ message: string; same: boolean }>;
  /** Messages of uncaught exceptions (for a rejection: there must be none beyond the plain run's). */
  readonly uncaught: string[];
  /** The client's status, or the name of fetch's error when nothing answered. */
  readonly status: number | string;
  readonly spans: ZipkinSpan[];
}

/**
 * `handler` is the source of a function that fails with the constant `failure` (an Error named
 * `message`); `event` is where Node sends that failure without tracing.
 */
export function runFailingHandler(traced: boolean, o: { readonly message: string; readonly handler: string; readonly event: 'uncaughtException' | 'unhandledRejection' }): Promise<FailingHandlerReport> {
  const code = `
    import http from 'node:http';
    import { listen, recording, spansEnded, stop } from ${JSON.stringify(helpers)};
    const { tracer, sink } = recording('server');
    const failure = new Error(${JSON.stringify(o.message)});
    const seen = [];
    const uncaught = [];
    let sawIt;
    const saw = new Promise((resolve) => (sawIt = resolve));
    process.on(${JSON.stringify(o.event)}, (e) => { seen.push({ message: e.message, same: e === failure }); sawIt(); });
    ${o.event === 'uncaughtException' ? '' : "process.on('uncaughtException', (e) => uncaught.push(e.message));"}
    const handler = ${o.handler};
    const server = http.createServer(${traced ? 'tracer.httpHandler((_span, req, res) => handler(req, res))' : 'handler'});
    const port = await listen(server);
    const controller = new AbortController();
    const answer = fetch('http://127.0.0.1:' + port + '/fails', { signal: controller.signal }).then((r) => r.status, (e) => e.name);
    await saw;
    // Without tracing nothing answers: the client gives up once the failure has been seen.
    ${traced ? '' : 'controller.abort();'}
    const status = await answer;
    await stop(server);
    ${traced ? 'await spansEnded({ tracer, sink }, 1);' : ''}
    await tracer.flush();
    console.log(JSON.stringify({ seen, uncaught, status, spans: sink.spans }));
  `;
  return runModule<FailingHandlerReport>(code);
}
