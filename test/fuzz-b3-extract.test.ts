import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { b3Stats, extractB3 } from '../src/index.js';
import { headerSets, multiHeaderSets, singleHeaderSets, toObject, type HeaderValue } from './fixtures/reliability-b3-arbitraries.js';

const RUNS = Number(process.env.FUZZ_B3_RUNS ?? 100_000);

/*
 * An independent reading of the B3 spec (b3-propagation-README.md), kept simple on purpose.
 * Decisions where the spec is silent or permissive:
 * - IDs are lower-hex of the stated lengths and not all zeros (zero means "absent" in every
 *   Zipkin tracer). A 32-character trace ID with a zero high half (a padded 64-bit ID) is valid;
 *   so is one with a zero low half: the spec only asks for 32 lower-hex characters.
 * - "the last two fields are optional" is read as each optional: `{T}-{S}-{ParentSpanId}` (defer
 *   with a parent, as Brave writes it) is valid; a one-character third field is a sampling state.
 * - X-B3-Sampled `true`/`false` in any case: "a lenient implementation may accept them".
 * - X-B3-Flags: 1 is debug; "absent or any other value can be ignored". Debug implies accept.
 * - An empty value, or a nonsense one, is malformed, not absent (spec's note on empty headers).
 * - "the first value wins": for a repeated name, an array, or a comma-joined list.
 * - Values over 512 characters are refused outright (a bound, not a spec rule: no valid value is
 *   longer than 68 characters).
 */
type Expected =
  | { kind: 'none' }
  | { kind: 'malformed' }
  | { kind: 'context'; traceId?: string; spanId?: string; parentId?: string; sampled: boolean | undefined; debug: boolean };

const BAD = Symbol('bad');
const ID16 = /^(?!0{16}$)[0-9a-f]{16}$/;
const TRACE = /^(?:(?!0{32}$)[0-9a-f]{32}|(?!0{16}$)[0-9a-f]{16})$/;
const SINGLE = /^([0-9a-f]{32}|[0-9a-f]{16})-([0-9a-f]{16})(?:-([01d]))?(?:-([0-9a-f]{16}))?$/;

function first(set: [string, HeaderValue][], name: string): string | undefined | typeof BAD {
  const hit = set.find(([n, v]) => n.toLowerCase() === name && v !== undefined);
  if (hit === undefined) return undefined;
  let v: unknown = hit[1];
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    v = v[0];
  }
  if (typeof v !== 'string' || v.length > 512) return BAD;
  return v.includes(',') ? v.split(',')[0]!.replace(/^[ \t]+|[ \t]+$/g, '') : v;
}

function reference(set: [string, HeaderValue][]): Expected {
  const b3 = first(set, 'b3');
  if (b3 === BAD) return { kind: 'malformed' };
  if (b3 !== undefined) {
    if (/^[01d]$/.test(b3)) return { kind: 'context', sampled: b3 !== '0', debug: b3 === 'd' };
    const m = SINGLE.exec(b3);
    if (m === null) return { kind: 'malformed' };
    const [, t, s, st, p] = m as unknown as [string, string, string, string | undefined, string | undefined];
    if (!TRACE.test(t) || !ID16.test(s) || (p !== undefined && !ID16.test(p))) return { kind: 'malformed' };
    const out: Expected = { kind: 'context', traceId: t, spanId: s, sampled: st === undefined ? undefined : st !== '0', debug: st === 'd' };
    if (p !== undefined) out.parentId = p;
    return out;
  }
  const t = first(set, 'x-b3-traceid');
  const s = first(set, 'x-b3-spanid');
  const p = first(set, 'x-b3-parentspanid');
  const sampledText = first(set, 'x-b3-sampled');
  if (t === BAD || s === BAD || p === BAD || sampledText === BAD) return { kind: 'malformed' };
  const debug = first(set, 'x-b3-flags') === '1';
  let sampled: boolean | undefined;
  if (sampledText !== undefined) {
    if (/^(1|true)$/i.test(sampledText)) sampled = true;
    else if (/^(0|false)$/i.test(sampledText)) sampled = false;
    else return { kind: 'malformed' };
  }
  if (debug) sampled = true;
  if (t === undefined && s === undefined) {
    if (p !== undefined) return { kind: 'malformed' };
    return sampled === undefined ? { kind: 'none' } : { kind: 'context', sampled, debug };
  }
  if (t === undefined || s === undefined || !TRACE.test(t) || !ID16.test(s)) return { kind: 'malformed' };
  if (p !== undefined && !ID16.test(p)) return { kind: 'malformed' };
  const out: Expected = { kind: 'context', traceId: t, spanId: s, sampled, debug };
  if (p !== undefined) out.parentId = p;
  return out;
}

/** What extractB3 did, in the reference's terms: malformed input is told apart by b3Stats. */
function actual(headers: object): Expected {
  const before = b3Stats().malformed;
  const ctx = extractB3(headers as Record<string, string>);
  if (ctx === undefined) return b3Stats().malformed > before ? { kind: 'malformed' } : { kind: 'none' };
  const out: Expected = { kind: 'context', sampled: ctx.sampled, debug: ctx.debug };
  if (ctx.traceId !== undefined) {
    out.traceId = ctx.traceId;
    out.spanId = ctx.spanId;
    if (ctx.parentId !== undefined) out.parentId = ctx.parentId;
  }
  return out;
}

test('extractB3 never throws and accepts exactly what the B3 spec allows, over 100,000 mutated header sets', () => {
  const seen = { none: 0, malformed: 0, context: 0 };
  fc.assert(
    fc.property(headerSets, (set) => {
      const headers = toObject(set);
      const expected = reference(Object.entries(headers));
      seen[expected.kind]++;
      assert.deepEqual(actual(headers), expected);
    }),
    { numRuns: RUNS },
  );
  // The generator must exercise both sides of the predicate, or the comparison proves little.
  assert.ok(seen.context > RUNS * 0.15, `accepted: ${seen.context}`);
  assert.ok(seen.malformed > RUNS * 0.15, `rejected: ${seen.malformed}`);
});

test('a Map carrying the same mutated headers is read the same as the plain object', () => {
  fc.assert(
    fc.property(fc.oneof(singleHeaderSets, multiHeaderSets), (set) => {
      const object = toObject(set);
      assert.deepEqual(actual(new Map(Object.entries(object))), actual(object));
    }),
    { numRuns: Math.ceil(RUNS / 10) },
  );
});

test('the tricky cases of the issue get the answer the spec reading above gives', () => {
  const cases: [Record<string, string>, Expected['kind']][] = [
    [{ b3: '0000000000000000a2fb4a1d1a96d312-e457b5a2e4d86bd1-1' }, 'context'], // padded 64-bit trace ID
    [{ b3: 'a2fb4a1d1a96d3120000000000000000-e457b5a2e4d86bd1-1' }, 'context'], // zero low half
    [{ b3: '00000000000000000000000000000000-e457b5a2e4d86bd1-1' }, 'malformed'],
    [{ b3: 'a2fb4a1d1a96d312-0000000000000000' }, 'malformed'],
    [{ b3: 'a2fb4a1d1a96d312-e457b5a2e4d86bd1-1-0000000000000000' }, 'malformed'],
    [{ b3: '' }, 'malformed'],
    [{ b3: 'a2fb4a1d1a96d312--1' }, 'malformed'],
    [{ b3: '0' }, 'context'],
    [{ b3: 'd' }, 'context'],
    [{ b3: 'D' }, 'malformed'],
    [{ b3: 'a2fb4a1d1a96d312-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90-1' }, 'malformed'], // five fields
    [{ b3: 'a2fb4a1d1a96d312-e457b5a2e4d86bd1-١' }, 'malformed'], // Arabic-Indic digit one
    [{ b3: 'a2fb4a1d1a96d312-e457b5a2e4d86bd1-1'.repeat(1000) }, 'malformed'],
    [{ 'X-B3-TraceId': 'a2fb4a1d1a96d312', 'X-B3-SpanId': '' }, 'malformed'],
    [{ 'X-B3-Sampled': '' }, 'malformed'],
  ];
  for (const [headers, kind] of cases) {
    const set = Object.entries(headers);
    assert.equal(reference(set).kind, kind, JSON.stringify(headers).slice(0, 120));
    assert.deepEqual(actual(headers), reference(set), JSON.stringify(headers).slice(0, 120));
  }
});
