// The server options reach the core through every framework adapter: join: false records a child
// of the client's span instead of its server half, and tags are put on every server span.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTracer, memorySink } from '../src/index.js';
import { frameworks, spans } from './helpers/frameworks.js';

for (const [framework, start] of Object.entries(frameworks)) {
  test(`${framework}: with join: false a request with B3 headers gets a child of the client's span, with the tags given`, async () => {
    const clientSink = memorySink();
    const client = createTracer({ serviceName: 'proxy', sink: clientSink });
    const sink = memorySink();
    const tracer = createTracer({ serviceName: 'object-server', sink });
    const app = await start(tracer, async () => 'object 7', { join: false, tags: { 'deploy.region': 'eu-1' } });
    try {
      assert.equal(await (await client.fetch(`${app.url}/objects/7`)).text(), 'object 7');
    } finally {
      await app.close();
    }
    await client.flush();
    const clientSpan = clientSink.spans[0]!;
    const [server] = await spans(tracer, sink, 1);
    assert.equal(server!.traceId, clientSpan.traceId);
    assert.equal(server!.parentId, clientSpan.id);
    assert.notEqual(server!.id, clientSpan.id);
    assert.equal(server!.shared, undefined);
    assert.equal(server!.name, 'GET /objects/:id');
    assert.equal(server!.tags?.['deploy.region'], 'eu-1');
  });
}
