// span.request sets the propagation headers before the request exists for anyone else: on Node
// versions that publish diagnostics_channel `http.client.request.created` (22.12 on), a subscriber
// (another tool's instrumentation, a logger) sees the span's B3 headers on the new request, exactly
// as they then reach the server. On versions without that channel (Node 20) nothing is published on
// it, and the same exchange is traced the same.
import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import type http from 'node:http';
import { test } from 'node:test';
import { b3Of, finishedSpans, onlySpan, recording, serve } from './helpers/http-spans.js';
import { hasHttpClientRequestCreated, nodeVersion } from './helpers/node-features.js';

const CHANNEL = 'http.client.request.created';

test(`span.request's B3 headers are on the request when ${CHANNEL} reports it (Node 22.12+), and nothing depends on that channel where it is missing (Node 20)`, async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const r = recording();
  // What each request carried when the channel reported it: every header, as set then.
  const atCreation: Array<Record<string, unknown>> = [];
  const onCreated = (message: unknown): void => {
    const { request } = message as { request: http.ClientRequest };
    atCreation.push({ ...request.getHeaders() });
  };
  diagnostics.subscribe(CHANNEL, onCreated);
  t.after(() => diagnostics.unsubscribe(CHANNEL, onCreated));

  const root = r.tracer.startSpan('root');
  await new Promise<void>((resolve, reject) => {
    const req = root.request(`${server.origin}/objects/1`, { method: 'GET' }, (res) => {
      res.resume();
      res.once('end', resolve);
    });
    req.once('error', reject);
    req.end();
  });
  root.end();
  const spans = await finishedSpans(r);
  const client = onlySpan(spans, (s) => s.kind === 'CLIENT', 'CLIENT span');
  assert.equal(client.parentId, root.context.spanId);
  const received = server.received;
  assert.equal(received.length, 1);
  const sent = b3Of(received[0]!.headers);
  assert.equal(sent['x-b3-spanid'], client.id, 'the server got the CLIENT span in its B3 headers');
  assert.equal(sent['x-b3-traceid'], root.context.traceId);

  if (hasHttpClientRequestCreated) {
    assert.equal(atCreation.length, 1, `Node ${nodeVersion.text} publishes ${CHANNEL} once per request`);
    const seen = atCreation[0]!;
    assert.deepEqual(b3Of(seen as http.IncomingHttpHeaders), sent, 'the B3 headers at creation are those the server received');
    for (const [name, value] of Object.entries(seen)) {
      assert.equal(String(received[0]!.headers[name]), String(value), `header ${name} reached the server as it was at creation`);
    }
  } else {
    assert.deepEqual(atCreation, [], `Node ${nodeVersion.text} has no ${CHANNEL}: nothing is published on it`);
  }
});
