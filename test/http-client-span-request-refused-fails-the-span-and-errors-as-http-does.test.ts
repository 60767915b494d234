// span.request to a port nothing listens on: the request emits 'error' as http.request does
// (ECONNREFUSED), the span fails once with that message; and a caller who listens for no
// 'error' gets what Node gives without tracing, an uncaught exception, not a silently swallowed
// failure.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closedPort, finishedSpans, onlySpan, recording, spansEnded, tagsOf } from './helpers/http-spans.js';

const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));

function refused(request: () => http.ClientRequest): Promise<{ error: NodeJS.ErrnoException; events: string[] }> {
  return new Promise((resolve) => {
    const events: string[] = [];
    const req = request();
    req.on('response', () => events.push('response'));
    req.on('error', (error: NodeJS.ErrnoException) => {
      events.push(`error:${error.code}`);
      req.once('close', () => {
        events.push('close');
        resolve({ error, events });
      });
    });
    req.end();
  });
}

test('span.request to a refused port emits error as http.request does and fails the span once', async () => {
  const port = await closedPort();
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `http://127.0.0.1:${port}/nobody`;

  const plain = await refused(() => http.request(url));
  const traced = await refused(() => root.request(url));
  assert.deepEqual(traced.events, plain.events);
  assert.deepEqual(traced.events, ['error:ECONNREFUSED', 'close']);
  assert.equal(traced.error.message, plain.error.message);

  await spansEnded(r, 1);
  root.end();
  const spans = await finishedSpans(r);
  const span = onlySpan(spans, (s) => s.kind === 'CLIENT');
  assert.equal(span.parentId, root.context.spanId);
  assert.equal(tagsOf(span).error, traced.error.message);
  assert.equal(tagsOf(span)['http.status_code'], undefined);
  assert.equal(tagsOf(span)['http.url'], url);
});

/** Runs a child that makes a refused request with no 'error' listener; returns what it reported. */
function runChild(traced: boolean, port: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const code = `
    import http from 'node:http';
    import { createTracer, memorySink } from ${JSON.stringify(index)};
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'child', sink, warnings: false });
    const root = tracer.startSpan('root');
    process.on('uncaughtException', async (error) => {
      root.end();
      await tracer.flush();
      console.log(JSON.stringify({ uncaught: error.code, spans: sink.spans.filter((s) => s.kind === 'CLIENT').map((s) => s.tags.error) }));
      process.exit(0);
    });
    const url = 'http://127.0.0.1:${port}/nobody';
    const req = ${traced ? 'root.request(url)' : 'http.request(url)'};
    req.end();
    // Nothing else keeps the child alive: without an uncaught error it ends, saying so.
    process.on('beforeExit', () => { console.log(JSON.stringify({ uncaught: null })); process.exit(0); });
  `;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

test("with no 'error' listener, a refused span.request is an uncaught exception, as without tracing", async () => {
  const port = await closedPort();
  const [plain, traced] = await Promise.all([runChild(false, port), runChild(true, port)]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(traced.code, 0, traced.stderr);
  const p = JSON.parse(plain.stdout) as { uncaught: string | null };
  const t = JSON.parse(traced.stdout) as { uncaught: string | null; spans?: string[] };
  assert.equal(p.uncaught, 'ECONNREFUSED', 'without tracing the error is uncaught');
  assert.equal(t.uncaught, p.uncaught, 'with tracing too: the failure is not swallowed');
  assert.equal(t.spans?.length, 1, 'and the span recorded it');
});
