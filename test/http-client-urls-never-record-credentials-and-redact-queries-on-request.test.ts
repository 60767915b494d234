// Credentials in a URL are never recorded, anywhere in the span; with `redactQuery: true` no query
// value is either. What is sent is not changed: the server still gets the real query (and, over
// node:http, the credentials as an Authorization header).
import assert from 'node:assert/strict';
import type http from 'node:http';
import { test } from 'node:test';
import { b3Of, finishedSpans, recording, serve, spanWithId, spansEnded, tagsOf } from './helpers/http-spans.js';

const SECRET = 's3cr3t-pa55';
const TOKEN = 'tok-9f8e7d';

test('fetch: query values redacted with redactQuery, the real query sent', async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `${server.origin}/search?token=${TOKEN}&q=cats&q=dogs#section`;

  await (await fetch(url)).text();
  await (await root.fetch(url, undefined, { redactQuery: true })).text();
  assert.equal(server.received[1]!.url, server.received[0]!.url, 'the query is sent as given');
  assert.equal(server.received[1]!.url, `/search?token=${TOKEN}&q=cats&q=dogs`);

  await spansEnded(r, 1);
  const span = await spanWithId(r, b3Of(server.received[1]!.headers)['x-b3-spanid']);
  assert.equal(tagsOf(span)['http.url'], `${server.origin}/search?token=%5Bredacted%5D&q=%5Bredacted%5D`);
  assert.equal(tagsOf(span)['http.path'], '/search');
  const text = JSON.stringify(span);
  for (const value of [TOKEN, 'cats', 'dogs', 'section']) assert.ok(!text.includes(value), `${value} is not recorded: ${text}`);

  // Without redactQuery the query is kept (the fragment never is: it is not sent).
  await (await root.fetch(url)).text();
  await spansEnded(r, 2);
  const plainSpan = await spanWithId(r, b3Of(server.received[2]!.headers)['x-b3-spanid']);
  assert.equal(tagsOf(plainSpan)['http.url'], `${server.origin}/search?token=${TOKEN}&q=cats&q=dogs`);
  root.end();
  await finishedSpans(r);
});

test('fetch: a URL with credentials rejects as fetch does, and the span records no credentials', async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `http://admin:${SECRET}@127.0.0.1:${server.port}/private?token=${TOKEN}`;

  const plain = await fetch(url).then(() => undefined, (e: unknown) => e as Error);
  const traced = await root.fetch(url, undefined, { redactQuery: true }).then(() => undefined, (e: unknown) => e as Error);
  // Whatever fetch does with such a URL, span.fetch does the same.
  assert.equal(traced?.name, plain?.name);
  assert.equal(traced?.message, plain?.message);
  assert.equal(server.received.length, 0, 'fetch sent nothing, with or without tracing');

  root.end();
  const spans = await finishedSpans(r);
  const text = JSON.stringify(spans);
  assert.ok(!text.includes(SECRET), `the password is not recorded: ${text}`);
  assert.ok(!text.includes('admin'), `the user name is not recorded: ${text}`);
  assert.ok(!text.includes(TOKEN), `the query value is not recorded: ${text}`);
  for (const s of spans.filter((x) => x.kind === 'CLIENT')) {
    assert.equal(tagsOf(s)['http.url'], `http://127.0.0.1:${server.port}/private?token=%5Bredacted%5D`);
  }
});

test('span.request: credentials are sent as Authorization and never recorded', async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const r = recording();
  const root = r.tracer.startSpan('root');
  const url = `http://admin:${SECRET}@127.0.0.1:${server.port}/private?token=${TOKEN}`;

  const arrived = server.nextRequest();
  const ended = new Promise<void>((resolve) => {
    root.request(url, {}, (res: http.IncomingMessage) => {
      res.resume();
      res.once('end', resolve);
    }).end();
  });
  await ended;
  const got = await arrived;
  assert.equal(got.headers.authorization, `Basic ${Buffer.from(`admin:${SECRET}`).toString('base64')}`, 'sent as without tracing');
  assert.equal(got.url, `/private?token=${TOKEN}`);

  await spansEnded(r, 1);
  const span = await spanWithId(r, b3Of(got.headers)['x-b3-spanid']);
  assert.equal(tagsOf(span)['http.url'], `http://127.0.0.1:${server.port}/private?token=${TOKEN}`);
  const text = JSON.stringify(span);
  assert.ok(!text.includes(SECRET) && !text.includes('admin'), `no credentials recorded: ${text}`);
  root.end();
  await finishedSpans(r);
});
