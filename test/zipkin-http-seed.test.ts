// The seed scenario, sent over HTTP to the real Zipkin and read back through its API: a proxy
// fans a GET out to 4 object servers at once; each server joins its client's span.
import { test } from 'node:test';
import { zipkinHttpSink } from '../src/index.js';
import { seedScenarioReadsBackFromZipkin } from './helpers/seed-scenario.js';
import { requireZipkinUrl, zipkinSkip } from './helpers/zipkin.js';

test('the seed scenario sent to Zipkin reads back as one trace with the right parents, shared client/server spans, a proxy to object-server link with callCount 4, and both services', { skip: zipkinSkip() }, async (t) => {
  const url = `${requireZipkinUrl()}/api/v2/spans`;
  await seedScenarioReadsBackFromZipkin(t, { sink: () => zipkinHttpSink({ url }), label: '' });
});
