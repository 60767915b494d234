import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractW3C, w3cStats } from '../src/propagation/w3c.js';
import type { Carrier } from '../src/propagation/carrier.js';

/*
 * Property tests of extractW3C against an independent reading of the W3C Trace Context spec
 * (shared/specs/w3c-trace-context/20-http_request_header_format.md and 30-processing-model.md).
 * The oracle below is written from the spec's ABNF and prose, not from src/propagation/w3c.ts.
 *
 * FUZZ_W3C_RUNS (default 100,000) is the total over the properties; each takes a fixed share.
 *
 * Readings of the spec, and the library's documented bounds, that the oracle encodes:
 * traceparent
 * - version = 2HEXDIGLC followed by "-"; "ff" is forbidden. Version 00 is exactly
 *   `00-32HEXDIGLC-16HEXDIGLC-2HEXDIGLC` (55 characters).
 * - A higher version: at least 55 characters, the first 55 of the version-00 shape, and if longer
 *   a "-" at index 55 ("the 2 characters are either at the end of the string or followed by a
 *   dash"); nothing after that is parsed ("MUST NOT parse or assume anything about unknown
 *   fields").
 * - trace-id and parent-id all zeros are invalid ("vendors MUST ignore the entire header").
 * - sampled = flags bit 0, random-trace-id = flags bit 1 (for every version: both are flags of
 *   this version of the spec).
 * - traceparent is one field: an array of two or more values, or a comma in the value (fields
 *   combined per RFC 9110), is invalid. Longer than 512 characters is invalid (library bound).
 * tracestate (only read when traceparent is valid: "If the vendor failed to parse traceparent,
 *   it MUST NOT attempt to parse tracestate")
 * - "There can be a maximum of 32 list-members in a list." Counted: the key=value members. Read
 *   literally, the ABNF (list = list-member 0*31( OWS "," OWS list-member ), list-member =
 *   (key "=" value) / OWS) also counts empty members, but empty members exist to absorb the
 *   commas of combined fields ("Empty and whitespace-only list members are allowed"), and the
 *   spec's own test harness (w3c/trace-context test/tracecontext/tracestate.py) counts only
 *   key/value members; so does the library. Spaces and tabs around members are ignored; empty
 *   members are dropped.
 * - key = ( lcalpha / DIGIT ) 0*255( keychar ); keychar = lcalpha / DIGIT / "_" / "-" / "*" /
 *   "/" / "@".
 * - value = 0*255(chr) nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E; chr = %x20 / nblk-chr.
 *   Leading spaces are part of the value; trailing spaces are OWS.
 * - A key given twice makes the header invalid (library's documented choice; the spec forbids
 *   producing such a list). An invalid tracestate is dropped whole; the traceparent is kept.
 * - Several tracestate fields are combined with "," (RFC 9110 field order).
 * - Longer than 16,509 characters (combined) is invalid (library bound, see MAX_TRACESTATE).
 * - Kept: at most 1,024 characters of the normalized list. Longer lists lose whole members:
 *   members over 128 characters first (from the end), then members from the end, until it fits
 *   ("Entries larger than 128 characters long SHOULD be removed first. Then entries SHOULD be
 *   removed starting from the end").
 */

const TOTAL = Number(process.env.FUZZ_W3C_RUNS ?? 100_000);
const runs = (share: number): number => Math.max(1, Math.round(TOTAL * share));
// The assertion's message (what was sent, what differed) in fast-check's report, not only the input.
fc.configureGlobal({ ...fc.readConfigureGlobal(), includeErrorInReport: true });

// ---------------------------------------------------------------------------------------------
// Oracle
// ---------------------------------------------------------------------------------------------

interface ExpectedContext {
  traceId: string;
  spanId: string;
  sampled: boolean;
  debug: false;
  shared: false;
  propagation: 'w3c';
  randomTraceId: boolean;
  tracestate?: string;
}

/** The traceparent sent more than once (several values in the carrier). */
const SEVERAL = Symbol('several');

type TraceparentInput = string | undefined | typeof SEVERAL;

const VERSION_PREFIX = /^([0-9a-f]{2})-/;
const FIRST_55 = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

interface OracleTraceparent {
  traceId: string;
  parentId: string;
  flags: number;
}

function oracleTraceparent(v: string): OracleTraceparent | undefined {
  if (v.length > 512) return undefined;
  if (v.includes(',')) return undefined;
  const prefix = VERSION_PREFIX.exec(v);
  if (prefix === null) return undefined;
  const version = prefix[1];
  if (version === 'ff') return undefined;
  if (version === '00') {
    if (v.length !== 55) return undefined;
  } else {
    if (v.length < 55) return undefined;
    if (v.length > 55 && v[55] !== '-') return undefined;
  }
  const m = FIRST_55.exec(v);
  if (m === null) return undefined;
  const [, traceId, parentId, flags] = m as unknown as [string, string, string, string];
  if (traceId === ZERO_TRACE || parentId === ZERO_SPAN) return undefined;
  return { traceId, parentId, flags: Number.parseInt(flags, 16) };
}

/**
 * The library's bound on a received tracestate (not a spec rule). The brief said 16,507; the
 * library rejects over 16,509 (32 * (256 + 1 + 256) + 31 * 3: 32 longest members and 31 commas
 * with a space each side), and says so in lastMalformed. The oracle takes the library's number.
 */
const MAX_TRACESTATE = 16_509;

const MEMBER = /^([a-z0-9][a-z0-9_\-*/@]{0,255})=([\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e])$/;
const OWS_AROUND = /^[ \t]+|[ \t]+$/g;

type OracleTracestate = { valid: false } | { valid: true; value: string | undefined };

function truncate(members: string[]): string[] {
  const kept = [...members];
  while (kept.join(',').length > 1024) {
    let at = -1;
    for (let i = kept.length - 1; i >= 0; i--) {
      if (kept[i]!.length > 128) {
        at = i;
        break;
      }
    }
    kept.splice(at >= 0 ? at : kept.length - 1, 1);
  }
  return kept;
}

function oracleTracestate(raw: string): OracleTracestate {
  if (raw.length > MAX_TRACESTATE) return { valid: false };
  const parts = raw.split(',');
  const keys = new Set<string>();
  const members: string[] = [];
  for (const part of parts) {
    const member = part.replace(OWS_AROUND, '');
    if (member === '') continue;
    const m = MEMBER.exec(member);
    if (m === null) return { valid: false };
    const key = m[1]!;
    if (keys.has(key)) return { valid: false };
    keys.add(key);
    members.push(member);
  }
  if (members.length > 32) return { valid: false };
  const kept = truncate(members);
  return { valid: true, value: kept.length === 0 ? undefined : kept.join(',') };
}

interface Outcome {
  context: ExpectedContext | undefined;
  /** traceparent present and rejected. */
  malformed: boolean;
  /** tracestate present with a valid traceparent, and invalid. */
  tracestateDropped: boolean;
}

function oracle(traceparent: TraceparentInput, tracestate: string | undefined): Outcome {
  if (traceparent === undefined) return { context: undefined, malformed: false, tracestateDropped: false };
  const tp = traceparent === SEVERAL ? undefined : oracleTraceparent(traceparent);
  if (tp === undefined) return { context: undefined, malformed: true, tracestateDropped: false };
  const context: ExpectedContext = {
    traceId: tp.traceId,
    spanId: tp.parentId,
    sampled: (tp.flags & 1) === 1,
    debug: false,
    shared: false,
    propagation: 'w3c',
    randomTraceId: (tp.flags & 2) === 2,
  };
  let tracestateDropped = false;
  if (tracestate !== undefined) {
    const ts = oracleTracestate(tracestate);
    if (!ts.valid) tracestateDropped = true;
    else if (ts.value !== undefined) context.tracestate = ts.value;
  }
  return { context, malformed: false, tracestateDropped };
}

// ---------------------------------------------------------------------------------------------
// Running the library
// ---------------------------------------------------------------------------------------------

/** The returned context without properties whose value is undefined (absent and undefined are one). */
function defined(ctx: object | undefined): Record<string, unknown> | undefined {
  if (ctx === undefined) return undefined;
  return Object.fromEntries(Object.entries(ctx).filter(([, v]) => v !== undefined));
}

interface Actual {
  context: Record<string, unknown> | undefined;
  malformed: number;
  tracestateDropped: number;
  extracted: number;
  lastMalformed: string | undefined;
}

function run(carrier: unknown): Actual {
  const before = w3cStats();
  const ctx = extractW3C(carrier as Carrier);
  const after = w3cStats();
  return {
    context: defined(ctx),
    malformed: after.malformed - before.malformed,
    tracestateDropped: after.tracestateDropped - before.tracestateDropped,
    extracted: after.extracted - before.extracted,
    lastMalformed: after.lastMalformed,
  };
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `<bytes ${Buffer.from(x).toString('latin1')}>` : x))?.slice(0, 600) ?? String(v);
}

function plainCarrier(traceparent: string | undefined, tracestate: string | undefined): Record<string, string> {
  const c: Record<string, string> = {};
  if (traceparent !== undefined) c.traceparent = traceparent;
  if (tracestate !== undefined) c.tracestate = tracestate;
  return c;
}

/** extractW3C on the plain-string form must be the oracle's answer, context and counters. */
function check(traceparent: string | undefined, tracestate: string | undefined): Outcome {
  const expected = oracle(traceparent, tracestate);
  const actual = run(plainCarrier(traceparent, tracestate));
  const what = `traceparent=${show(traceparent)} tracestate=${show(tracestate)}`;
  assert.deepEqual(actual.context, expected.context, what);
  assert.equal(actual.malformed, expected.malformed ? 1 : 0, `malformed count, ${what}`);
  assert.equal(actual.tracestateDropped, expected.tracestateDropped ? 1 : 0, `tracestateDropped count, ${what}`);
  return expected;
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const HEX = [...'0123456789abcdef'];
const hex = (n: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...HEX), minLength: n, maxLength: n });

const traceIdArb = fc.oneof({ weight: 20, arbitrary: hex(32) }, { weight: 1, arbitrary: fc.constant(ZERO_TRACE) });
const spanIdArb = fc.oneof({ weight: 20, arbitrary: hex(16) }, { weight: 1, arbitrary: fc.constant(ZERO_SPAN) });
const versionArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant('00') },
  { weight: 1, arbitrary: fc.constant('ff') },
  { weight: 4, arbitrary: hex(2) },
);
const tailArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((s) => `-${s}`) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...HEX, '-'), maxLength: 40 }).map((s) => `-${s}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }) },
  // Around the 512-character bound: 55 + 1 + n characters.
  { weight: 1, arbitrary: fc.integer({ min: 450, max: 462 }).map((n) => `-${'ab-'.repeat(200).slice(0, n)}`) },
);

/** Well-formed looking traceparents: valid ones, and ones with zero IDs, version ff, extra fields. */
const traceparentShaped = fc
  .tuple(versionArb, traceIdArb, spanIdArb, hex(2), tailArb)
  .map(([v, t, s, f, tail]) => `${v}-${t}-${s}-${f}${tail}`);

const oddChar = fc.constantFrom(
  ...'0123456789abcdefABCDEFgxz-_ ,;=\t',
  '\0', '\r', '\n', '\x7f', '\u00e9', '\u00ff', '\u0660', '\uff10', '\ud800', '\u{1f600}',
);

type Mutation =
  | { kind: 'flip'; pos: number; ch: string }
  | { kind: 'upper' }
  | { kind: 'upperOne'; pos: number }
  | { kind: 'truncate'; len: number }
  | { kind: 'extend'; s: string }
  | { kind: 'insert'; pos: number; s: string }
  | { kind: 'delete'; pos: number }
  | { kind: 'around'; pre: string; post: string }
  | { kind: 'twice'; sep: string };

const wsArb = fc.string({ unit: fc.constantFrom(' ', '\t'), minLength: 1, maxLength: 2 });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), pos: fc.nat(), ch: oddChar }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('upper' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('upperOne' as const), pos: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), len: fc.nat({ max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('extend' as const), s: fc.string({ unit: oddChar, minLength: 1, maxLength: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), pos: fc.nat(), s: fc.oneof(fc.constant('-'), oddChar) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pos: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('around' as const), pre: fc.oneof(fc.constant(''), wsArb), post: fc.oneof(fc.constant(''), wsArb) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('twice' as const), sep: fc.constantFrom(',', ', ', ' ,', ',,') }) },
);

function mutate(v: string, m: Mutation): string {
  const at = (pos: number): number => pos % (v.length + 1);
  switch (m.kind) {
    case 'flip': {
      const i = m.pos % Math.max(1, v.length);
      return v.slice(0, i) + m.ch + v.slice(i + 1);
    }
    case 'upper':
      return v.toUpperCase();
    case 'upperOne': {
      const i = m.pos % Math.max(1, v.length);
      return v.slice(0, i) + v.slice(i, i + 1).toUpperCase() + v.slice(i + 1);
    }
    case 'truncate':
      return v.slice(0, m.len);
    case 'extend':
      return v + m.s;
    case 'insert':
      return v.slice(0, at(m.pos)) + m.s + v.slice(at(m.pos));
    case 'delete':
      return v.slice(0, at(m.pos)) + v.slice(at(m.pos) + 1);
    case 'around':
      return m.pre + v + m.post;
    case 'twice':
      return v + m.sep + v;
  }
}

const mutatedTraceparent = fc
  .tuple(traceparentShaped, fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
  .map(([v, ms]) => ms.reduce(mutate, v));

const anyTraceparent = fc.oneof(
  { weight: 3, arbitrary: traceparentShaped },
  { weight: 4, arbitrary: mutatedTraceparent },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...HEX, '-'), minLength: 50, maxLength: 60 }) },
);

/** A traceparent the oracle accepts, for the tracestate properties. */
const validTraceparent = fc
  .tuple(fc.oneof({ weight: 4, arbitrary: fc.constant('00') }, { weight: 1, arbitrary: fc.constantFrom('01', '7f', 'fe', 'cc') }), hex(32), hex(16), hex(2), fc.constantFrom('', '-', '-what-ever'))
  .map(([v, t, s, f, tail]) => `${v}-${t}-${s}-${f}${v === '00' ? '' : tail}`)
  .filter((v) => oracleTraceparent(v) !== undefined);

const LCALPHA_DIGIT = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
const KEYCHAR = [...LCALPHA_DIGIT, '_', '-', '*', '/', '@'];
const NBLK: string[] = [];
for (let c = 0x21; c <= 0x7e; c++) if (c !== 0x2c && c !== 0x3d) NBLK.push(String.fromCharCode(c));
const CHR = [' ', ...NBLK];

const keyArb = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.constantFrom(...LCALPHA_DIGIT), fc.string({ unit: fc.constantFrom(...KEYCHAR), maxLength: 10 })) },
  // Around the 256-character bound (0*255 keychar after the first).
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...LCALPHA_DIGIT), fc.string({ unit: fc.constantFrom(...KEYCHAR), minLength: 252, maxLength: 256 })) },
).map(([first, rest]) => first + rest);

const valueArb = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.string({ unit: fc.constantFrom(...CHR), maxLength: 12 }), fc.constantFrom(...NBLK)) },
  // Around the 256-character bound (0*255 chr then one nblk-chr).
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: fc.constantFrom(...CHR), minLength: 252, maxLength: 256 }), fc.constantFrom(...NBLK)) },
).chain(([body, last]) => fc.constantFrom('', ' ', '  ').map((lead) => lead + body + last));

const owsArb = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });

/** A text that breaks a member: hostile characters, or a near miss of the grammar. */
const badMemberArb = fc.oneof(
  fc.tuple(keyArb, valueArb, fc.nat(), fc.constantFrom('\r', '\n', '\0', '\u00e9', '\x7f', '\t', '=', '\u2028', '\ud83d')).map(([k, v, pos, ch]) => {
    const text = `${k}=${v}`;
    const i = pos % (text.length + 1);
    return text.slice(0, i) + ch + text.slice(i);
  }),
  fc.tuple(keyArb, valueArb).map(([k, v]) => `${k.toUpperCase()}=${v}`),
  fc.tuple(keyArb, valueArb).map(([k, v]) => `${k} =${v}`),
  fc.tuple(keyArb, valueArb).map(([k, v]) => `${k}=${v}=x`),
  fc.tuple(keyArb, valueArb).map(([k, v]) => `_${k}=${v}`),
  keyArb,
  keyArb.map((k) => `${k}=`),
  keyArb.map((k) => `${k}=   `),
  valueArb.map((v) => `=${v}`),
);

type MemberSpec =
  | { kind: 'member'; pre: string; key: string; value: string; post: string }
  | { kind: 'dup'; of: number; pre: string; value: string; post: string }
  | { kind: 'empty'; ows: string }
  | { kind: 'bad'; text: string };

function memberSpecArb(badWeight: number): fc.Arbitrary<MemberSpec> {
  return fc.oneof(
    { weight: 20, arbitrary: fc.record({ kind: fc.constant('member' as const), pre: owsArb, key: keyArb, value: valueArb, post: owsArb }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('dup' as const), of: fc.nat(), pre: owsArb, value: valueArb, post: owsArb }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('empty' as const), ows: owsArb }) },
    { weight: badWeight, arbitrary: fc.record({ kind: fc.constant('bad' as const), text: badMemberArb }) },
  );
}

function listText(specs: MemberSpec[]): string {
  const keys: string[] = [];
  const out: string[] = [];
  for (const s of specs) {
    if (s.kind === 'member') {
      keys.push(s.key);
      out.push(`${s.pre}${s.key}=${s.value}${s.post}`);
    } else if (s.kind === 'dup') {
      const key = keys.length === 0 ? 'dup' : keys[s.of % keys.length]!;
      keys.push(key);
      out.push(`${s.pre}${key}=${s.value}${s.post}`);
    } else if (s.kind === 'empty') {
      out.push(s.ows);
    } else {
      out.push(s.text);
    }
  }
  return out.join(',');
}

/** Generated lists: mostly valid, 0–40 members, OWS, empty members, sometimes a duplicate or a bad member. */
const generatedTracestate = fc
  .tuple(fc.array(memberSpecArb(1), { maxLength: 40 }), fc.nat({ max: 9 }))
  .map(([specs, cap]) => listText(cap < 7 ? specs.slice(0, 1 + cap * 5) : specs));

const hostileUnit = fc.constantFrom(...'ab0z=,;  \t-*/@_A~"', '\r', '\n', '\0', '\x7f', '\u00e9', '\u0085', '\ud800');
const arbitraryTracestate = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: hostileUnit, maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** Very long headers: valid lists padded with OWS to just under or over 16,507 characters, and junk. */
const hugeTracestate = fc.oneof(
  fc.tuple(fc.array(fc.tuple(keyArb, valueArb), { minLength: 1, maxLength: 5 }), fc.integer({ min: 16_495, max: 16_520 })).map(([members, target]) => {
    const unique = [...new Map(members).entries()].map(([k, v]) => `${k}=${v}`).join(',');
    return unique + ' '.repeat(Math.max(0, target - unique.length));
  }),
  fc.tuple(fc.constantFrom('a', 'k=v', ',', ' ', '\r\n'), fc.integer({ min: 1_000, max: 20_000 })).map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n)),
);

const anyTracestate = fc.oneof(
  { weight: 6, arbitrary: generatedTracestate },
  { weight: 3, arbitrary: arbitraryTracestate },
  { weight: 1, arbitrary: hugeTracestate },
);

/** Lists of unique, valid members long enough to need truncation to 1,024 characters. */
const longTracestate = fc
  .tuple(
    fc.uniqueArray(keyArb.filter((k) => k.length <= 256), { minLength: 2, maxLength: 32 }),
    fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 40 }) },
        { weight: 2, arbitrary: fc.integer({ min: 100, max: 140 }) },
        { weight: 2, arbitrary: fc.integer({ min: 141, max: 256 }) },
      ),
      { minLength: 32, maxLength: 32 },
    ),
    fc.array(owsArb, { minLength: 32, maxLength: 32 }),
  )
  .map(([keys, lengths, ows]) =>
    keys.map((k, i) => `${ows[i]!}${k}=${'v'.repeat(lengths[i]! - 1)}${String.fromCharCode(0x41 + (i % 26))}`).join(','),
  );

/** The returned tracestate holds nothing a header value or a list member cannot hold. */
function assertClean(ts: unknown, what: string): void {
  if (ts === undefined) return;
  assert.equal(typeof ts, 'string', what);
  const s = ts as string;
  assert.match(s, /^[\x20-\x7e]+$/, `tracestate has a control or non-ASCII character: ${what}`);
  assert.ok(s.length <= 1024, `tracestate over 1024 characters: ${what}`);
  for (const member of s.split(',')) {
    assert.equal(member.split('=').length, 2, `member ${show(member)} has not exactly one '=': ${what}`);
    assert.doesNotMatch(member, /^[ \t]|[ \t]$/, `member ${show(member)} keeps optional whitespace: ${what}`);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. traceparent
// ---------------------------------------------------------------------------------------------

test('traceparent: arbitrary and mutated values are accepted exactly as the spec says, with its fields', () => {
  const seen = { accepted: 0, rejected: 0, higher: 0 };
  fc.assert(
    fc.property(anyTraceparent, (tp) => {
      const expected = check(tp, undefined);
      if (expected.context === undefined) seen.rejected++;
      else {
        seen.accepted++;
        if (!tp.startsWith('00-')) seen.higher++;
      }
    }),
    { numRuns: runs(0.3) },
  );
  assert.ok(seen.accepted > runs(0.3) * 0.15, `accepted: ${seen.accepted}`);
  assert.ok(seen.rejected > runs(0.3) * 0.3, `rejected: ${seen.rejected}`);
  assert.ok(seen.higher > runs(0.3) * 0.02, `higher versions accepted: ${seen.higher}`);
});

test('traceparent: the spec examples and the edges of the versioning rules', () => {
  const t = '4bf92f3577b34da6a3ce929d0e0e4736';
  const s = '00f067aa0ba902b7';
  const cases: [string, boolean][] = [
    [`00-${t}-${s}-01`, true],
    [`00-${t}-${s}-00`, true],
    [`00-${t}-${s}-03`, true],
    [`00-${t}-${s}-ff`, true],
    [`00-${t}-${s}-01-`, false], // version 00 is exactly 55 characters
    [`00-${t}-${s}-01-extra`, false],
    [`01-${t}-${s}-01`, true],
    [`01-${t}-${s}-01-`, true],
    [`01-${t}-${s}-01-what-ever`, true],
    [`01-${t}-${s}-01x`, false],
    [`01-${t}-${s}-0`, false],
    [`fe-${t}-${s}-02-${'x'.repeat(512 - 56)}`, true], // 512 characters
    [`fe-${t}-${s}-02-${'x'.repeat(513 - 56)}`, false],
    [`ff-${t}-${s}-01`, false],
    [`FF-${t}-${s}-01`, false],
    [`0a-${t}-${s}-01`, true],
    [`0A-${t}-${s}-01`, false],
    [`00-${t.toUpperCase()}-${s}-01`, false],
    [`00-${t}-${s.toUpperCase()}-01`, false],
    [`00-${t}-${s}-0A`, false],
    [`00-${ZERO_TRACE}-${s}-01`, false],
    [`00-${t}-${ZERO_SPAN}-01`, false],
    [`01-${ZERO_TRACE}-${s}-01-x`, false],
    [`00-${t}-${s}-01,00-${t}-${s}-01`, false],
    [`00-${t}-${s}-01, 00-${t}-${s}-01`, false],
    // Two traceparent fields combined (Node's IncomingHttpHeaders and fetch's Headers join them
    // with ", "), the first of a higher version with more fields: still sent more than once.
    [`01-${t}-${s}-01-x, 00-${t}-${s}-01`, false],
    [`01-${t}-${s}-01-, 01-${t}-${s}-01-`, false],
    [`01-${t}-${s}-01-x,y`, false],
    ['', false],
    ['00', false],
    ['00-', false],
  ];
  for (const [tp, ok] of cases) {
    assert.equal(oracleTraceparent(tp) !== undefined, ok, `oracle on ${tp}`);
    check(tp, undefined);
  }
});

// ---------------------------------------------------------------------------------------------
// 2. tracestate
// ---------------------------------------------------------------------------------------------

test('tracestate: generated and arbitrary lists are kept, normalized or dropped exactly as the spec says', () => {
  const seen = { kept: 0, empty: 0, dropped: 0 };
  fc.assert(
    fc.property(validTraceparent, anyTracestate, (tp, ts) => {
      const expected = check(tp, ts);
      const got = extractW3C({ traceparent: tp, tracestate: ts });
      assertClean(got?.tracestate, `tracestate=${show(ts)}`);
      if (expected.tracestateDropped) seen.dropped++;
      else if (expected.context?.tracestate === undefined) seen.empty++;
      else seen.kept++;
    }),
    { numRuns: runs(0.25) },
  );
  assert.ok(seen.kept > runs(0.25) * 0.2, `kept: ${seen.kept}`);
  assert.ok(seen.dropped > runs(0.25) * 0.2, `dropped: ${seen.dropped}`);
  assert.ok(seen.empty > 0, `empty: ${seen.empty}`);
});

test('tracestate: lists over 1,024 characters lose whole members, long ones first, then from the end', () => {
  let truncated = 0;
  fc.assert(
    fc.property(validTraceparent, longTracestate, (tp, ts) => {
      const expected = check(tp, ts);
      assertClean(extractW3C({ traceparent: tp, tracestate: ts })?.tracestate, `tracestate=${show(ts)}`);
      if (expected.context?.tracestate !== undefined && expected.context.tracestate.length < ts.replace(/[ \t]/g, '').length) truncated++;
    }),
    { numRuns: runs(0.05) },
  );
  assert.ok(truncated > runs(0.05) * 0.3, `truncated: ${truncated}`);
});

test('tracestate: the edges of the grammar and of the limits', () => {
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const members = (n: number): string => Array.from({ length: n }, (_, i) => `k${i}=v`).join(',');
  const cases: [string, string | undefined | 'dropped'][] = [
    ['rojo=00f067aa0ba902b7,congo=t61rcWkgMzE', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    ['', undefined],
    [' , \t,', undefined],
    [' a=1 ,\tb=2\t, ,c=3', 'a=1,b=2,c=3'],
    ['a=  leading', 'a=  leading'],
    ['a=trailing   ', 'a=trailing'],
    ['a=in side', 'a=in side'],
    ['a= ', 'dropped'],
    ['a=', 'dropped'],
    ['=v', 'dropped'],
    ['A=v', 'dropped'],
    ['a =v', 'dropped'],
    ['a=b=c', 'dropped'],
    ['a=\tb', 'dropped'],
    ['a=v\r\n', 'dropped'],
    ['a=\u00e9', 'dropped'],
    ['a=1,a=2', 'dropped'],
    ['t@s=1,t=2,s=3', 't@s=1,t=2,s=3'],
    ['0a_-*/@=~!"#$%&\'()*+-./:;<>?@[\\]^_`{|}', '0a_-*/@=~!"#$%&\'()*+-./:;<>?@[\\]^_`{|}'],
    [members(32), members(32)],
    [members(33), 'dropped'],
    [`${members(32)},,, ,\t`, members(32)], // empty members are not counted
    [`a=1${','.repeat(40)}`, 'a=1'],
    [`${members(33)},,`, 'dropped'],
    [`${'k'.repeat(256)}=v`, `${'k'.repeat(256)}=v`],
    [`${'k'.repeat(257)}=v`, 'dropped'],
    [`k=${'v'.repeat(256)}`, `k=${'v'.repeat(256)}`],
    [`k=${'v'.repeat(257)}`, 'dropped'],
  ];
  for (const [ts, want] of cases) {
    const o = oracleTracestate(ts);
    assert.deepEqual(o, want === 'dropped' ? { valid: false } : { valid: true, value: want }, `oracle on ${show(ts)}`);
    check(tp, ts);
  }
  // Truncation at exactly 1,024 / 1,025 characters, and the long-members-first order.
  const sized = (lengths: number[]): string => lengths.map((n, i) => `${String.fromCharCode(0x61 + i)}=${'v'.repeat(n - 2)}`).join(',');
  assert.equal(sized([256, 256, 256, 253]).length, 1024);
  assert.equal(oracleTracestate(sized([256, 256, 256, 253])).valid, true);
  check(tp, sized([256, 256, 256, 253])); // 1,024: kept whole
  check(tp, sized([256, 256, 256, 254])); // 1,025: the last member goes
  check(tp, sized([256, 256, 256, 254, 3])); // the long fourth member goes, the short last stays
  for (let n = 230; n <= 256; n++) check(tp, sized([128, 258, 128, 258, n + 2, 3]));
  check(tp, `${members(20)},${Array.from({ length: 12 }, (_, i) => `l${i}=${'q'.repeat(90)}`).join(',')}`);
  // Hostile content in a dropped header must not leak into any member kept.
  for (const ts of ['a=1,b=2\r\nx-injected: 1', 'a=1,b=\0', 'a=1\n', 'a=1,b=\u00ff']) {
    assert.equal(extractW3C({ traceparent: tp, tracestate: ts })?.tracestate, undefined, show(ts));
    check(tp, ts);
  }
});

// ---------------------------------------------------------------------------------------------
// 3. carrier shapes
// ---------------------------------------------------------------------------------------------

type Shape = 'object' | 'nullProto' | 'map' | 'headers';
type TpForm = 'string' | 'array1' | 'buffer' | 'uint8' | 'array1bytes' | 'several';
type TsForm = 'string' | 'buffer' | 'uint8' | 'split' | 'splitBytes';

interface CarrierSpec {
  tp: string | undefined;
  tp2: string;
  ts: string | undefined;
  tpForm: TpForm;
  tsForm: TsForm;
  shape: Shape;
  tpCase: boolean[];
  tsCase: boolean[];
  noise: [string, string][];
  splitAt: number[];
}

const isAscii = (s: string): boolean => [...s].every((c) => c.charCodeAt(0) < 0x80);
const bytes = (s: string, kind: 'buffer' | 'uint8'): Uint8Array => (kind === 'buffer' ? Buffer.from(s, 'latin1') : new Uint8Array(Buffer.from(s, 'latin1')));
const randomCase = (name: string, flags: boolean[]): string => [...name].map((c, i) => (flags[i] === true ? c.toUpperCase() : c)).join('');

const carrierSpecArb: fc.Arbitrary<CarrierSpec> = fc.record({
  tp: fc.oneof({ weight: 8, arbitrary: fc.oneof(validTraceparent, anyTraceparent) }, { weight: 1, arbitrary: fc.constant(undefined) }),
  tp2: fc.oneof(validTraceparent, anyTraceparent),
  ts: fc.oneof({ weight: 6, arbitrary: fc.oneof(generatedTracestate, arbitraryTracestate) }, { weight: 1, arbitrary: fc.constant(undefined) }),
  tpForm: fc.constantFrom<TpForm>('string', 'array1', 'buffer', 'uint8', 'array1bytes', 'several'),
  tsForm: fc.constantFrom<TsForm>('string', 'buffer', 'uint8', 'split', 'splitBytes'),
  shape: fc.constantFrom<Shape>('object', 'nullProto', 'map', 'headers'),
  tpCase: fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }),
  tsCase: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
  noise: fc.array(
    fc.tuple(fc.constantFrom('b3', 'content-type', 'x-traceparent', 'traceparentx', 'trace-parent', 'tracestates', 'trace-state', 'baggage'), fc.constantFrom('1', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'k=v')),
    { maxLength: 3 },
  ),
  splitAt: fc.array(fc.nat(), { maxLength: 4 }),
});

/** The carrier in the spec's shape, and the plain strings it stands for. */
function build(spec: CarrierSpec): { carrier: unknown; tp: TraceparentInput; ts: string | undefined } {
  const noise = spec.noise.filter(([n], i, all) => all.findIndex(([m]) => m === n) === i);
  let tpValue: string | Uint8Array | (string | Uint8Array)[] | undefined;
  let tpPlain: TraceparentInput = spec.tp;
  if (spec.tp !== undefined) {
    const tpBytesOk = isAscii(spec.tp);
    switch (spec.tpForm) {
      case 'string':
        tpValue = spec.tp;
        break;
      case 'array1':
        tpValue = [spec.tp];
        break;
      case 'buffer':
      case 'uint8':
        tpValue = tpBytesOk ? bytes(spec.tp, spec.tpForm) : spec.tp;
        break;
      case 'array1bytes':
        tpValue = [tpBytesOk ? bytes(spec.tp, 'buffer') : spec.tp];
        break;
      case 'several':
        tpValue = [spec.tp, isAscii(spec.tp2) && spec.tp2.length % 2 === 0 ? bytes(spec.tp2, 'uint8') : spec.tp2];
        tpPlain = SEVERAL;
        break;
    }
  }
  let tsValue: string | Uint8Array | (string | Uint8Array)[] | undefined;
  if (spec.ts !== undefined) {
    const tsBytesOk = isAscii(spec.ts);
    switch (spec.tsForm) {
      case 'string':
        tsValue = spec.ts;
        break;
      case 'buffer':
      case 'uint8':
        tsValue = tsBytesOk ? bytes(spec.ts, spec.tsForm) : spec.ts;
        break;
      case 'split':
      case 'splitBytes': {
        // Cut at some commas: the fields, combined with ',', are the original value.
        const commas = [...spec.ts.matchAll(/,/g)].map((m) => m.index);
        const cuts = [...new Set(spec.splitAt.filter(() => commas.length > 0).map((n) => commas[n % commas.length]!))].sort((a, b) => a - b);
        const fields: string[] = [];
        let from = 0;
        for (const c of cuts) {
          fields.push(spec.ts.slice(from, c));
          from = c + 1;
        }
        fields.push(spec.ts.slice(from));
        tsValue = fields.map((f, i) => (spec.tsForm === 'splitBytes' && i % 2 === 1 && isAscii(f) ? bytes(f, 'buffer') : f));
        break;
      }
    }
  }
  const tpName = randomCase('traceparent', spec.tpCase);
  const tsName = randomCase('tracestate', spec.tsCase);
  const entries: [string, string | Uint8Array | (string | Uint8Array)[]][] = [...noise];
  if (tpValue !== undefined) entries.push([tpName, tpValue]);
  if (tsValue !== undefined) entries.push([tsName, tsValue]);

  if (spec.shape === 'headers') {
    // Headers hold text only; they trim, and join repeated fields with ', '. Fall back to an
    // object when a value is not a valid header value.
    try {
      const h = new Headers();
      for (const [n, v] of entries) {
        for (const one of Array.isArray(v) ? v : [v]) h.append(n, typeof one === 'string' ? one : Buffer.from(one).toString('latin1'));
      }
      const tpHeader = h.get('traceparent') ?? undefined;
      const severalTp = Array.isArray(tpValue) && tpValue.length > 1;
      return { carrier: h, tp: tpHeader === undefined ? undefined : severalTp ? SEVERAL : tpHeader, ts: h.get('tracestate') ?? undefined };
    } catch {
      // fall through
    }
  }
  const ts = spec.ts;
  if (spec.shape === 'map') return { carrier: new Map(entries), tp: tpPlain, ts };
  const obj: Record<string, unknown> = spec.shape === 'nullProto' ? (Object.create(null) as Record<string, unknown>) : {};
  for (const [n, v] of entries) obj[n] = v;
  return { carrier: obj, tp: tpPlain, ts };
}

test('carriers of every shape give the answer of the plain-string form', () => {
  fc.assert(
    fc.property(carrierSpecArb, (spec) => {
      const { carrier, tp, ts } = build(spec);
      const expected = oracle(tp, ts);
      const actual = run(carrier);
      const what = `${spec.shape}/${spec.tpForm}/${spec.tsForm}: traceparent=${show(tp === SEVERAL ? [spec.tp, spec.tp2] : tp)} tracestate=${show(ts)}`;
      assert.deepEqual(actual.context, expected.context, what);
      assert.equal(actual.malformed, expected.malformed ? 1 : 0, `malformed count, ${what}`);
      assert.equal(actual.tracestateDropped, expected.tracestateDropped ? 1 : 0, `tracestateDropped count, ${what}`);
      if (tp !== SEVERAL) assert.deepEqual(actual.context, run(plainCarrier(tp, ts)).context, `differs from the plain form: ${what}`);
    }),
    { numRuns: runs(0.2) },
  );
});

test('a traceparent sent twice is rejected in every carrier shape', () => {
  const t = '4bf92f3577b34da6a3ce929d0e0e4736';
  const s = '00f067aa0ba902b7';
  const pairs: [string, string][] = [
    [`00-${t}-${s}-01`, `00-${t}-${s}-01`],
    [`01-${t}-${s}-01`, `00-${t}-${s}-01`],
    [`01-${t}-${s}-01-x`, `00-${t}-${s}-01`],
    [`01-${t}-${s}-01-`, `01-${t}-${s}-01-`],
  ];
  for (const [a, b] of pairs) {
    const headers = new Headers();
    headers.append('traceparent', a);
    headers.append('traceparent', b);
    const carriers: [string, unknown][] = [
      ['array', { traceparent: [a, b] }],
      ['map with an array', new Map([['traceparent', [a, b]]])],
      ['Headers with two fields', headers],
      ['joined as node:http joins them', { traceparent: `${a}, ${b}` }],
    ];
    for (const [what, carrier] of carriers) {
      const actual = run(carrier);
      assert.equal(actual.context, undefined, `${what}: ${a} + ${b}`);
      assert.equal(actual.malformed, 1, `${what}: ${a} + ${b}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// 4. hostile carriers
// ---------------------------------------------------------------------------------------------

const VALID_TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function throwing(): never {
  throw new Error('hostile');
}

const hostileValue = fc.oneof(
  fc.constantFrom<unknown>(null, 0, 42, Number.NaN, true, false, 10n, Symbol('v'), () => VALID_TP, {}, [], [[]], [null], [undefined], [1, 2], [VALID_TP, 3], [new Uint8Array(0)], new Uint8Array(0), new Uint16Array([0x30, 0x30]), new ArrayBuffer(4), new Date(0), /x/, new Map(), new Set([VALID_TP])),
  fc.constant({ toString: throwing, valueOf: throwing, [Symbol.toPrimitive]: throwing }),
  fc.constant({ get length(): number { return throwing(); } }),
  fc.constant(new Proxy([VALID_TP], { get: throwing })),
  fc.constant(new Proxy([VALID_TP], { ownKeys: throwing, getOwnPropertyDescriptor: throwing })),
  fc.constant(Object.assign([VALID_TP], { [Symbol.iterator]: throwing })),
  fc.constant(Array.from({ length: 10_000 }, () => VALID_TP)),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

type HostileKind = 'primitive' | 'getter' | 'proxy-get' | 'proxy-ownKeys' | 'proxy-all' | 'symbols' | 'badValue' | 'map-get' | 'map-iter' | 'map-weird-keys' | 'headers-like' | 'frozen-array';

const hostileArb = fc.record({
  kind: fc.constantFrom<HostileKind>('primitive', 'getter', 'proxy-get', 'proxy-ownKeys', 'proxy-all', 'symbols', 'badValue', 'map-get', 'map-iter', 'map-weird-keys', 'headers-like', 'frozen-array'),
  primitive: fc.constantFrom<unknown>(null, undefined, 0, 1, -1, Number.NaN, Infinity, true, '', VALID_TP, 'traceparent', 7n, Symbol('carrier')),
  name: fc.constantFrom('traceparent', 'TraceParent', 'tracestate', 'TRACESTATE', 'other'),
  value: hostileValue,
  tp: fc.oneof(validTraceparent, anyTraceparent),
  ts: fc.option(generatedTracestate, { nil: undefined }),
});

interface Hostile {
  kind: HostileKind;
  primitive: unknown;
  name: string;
  value: unknown;
  tp: string;
  ts: string | undefined;
}

function hostileCarrier(h: Hostile): { carrier: unknown; expected?: Outcome } {
  switch (h.kind) {
    case 'primitive':
      return { carrier: h.primitive, expected: { context: undefined, malformed: false, tracestateDropped: false } };
    case 'getter': {
      const o: Record<string, unknown> = { traceparent: h.tp };
      Object.defineProperty(o, h.name, { get: throwing, enumerable: true, configurable: true });
      return { carrier: o };
    }
    case 'proxy-get':
      return { carrier: new Proxy({ traceparent: h.tp }, { get: throwing }) };
    case 'proxy-ownKeys':
      return { carrier: new Proxy({ traceparent: h.tp }, { ownKeys: throwing }) };
    case 'proxy-all':
      return { carrier: new Proxy({}, { get: throwing, has: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing, getPrototypeOf: throwing }) };
    case 'symbols': {
      // Symbol keys are not header names: the answer is the one of the string keys alone.
      const o: Record<string | symbol, unknown> = { [Symbol('traceparent')]: 'junk', [Symbol.iterator]: throwing, [Symbol.toPrimitive]: throwing, traceparent: h.tp };
      if (h.ts !== undefined) o.tracestate = h.ts;
      Object.defineProperty(o, Symbol('tracestate'), { get: throwing, enumerable: true });
      return { carrier: o, expected: oracle(h.tp, h.ts) };
    }
    case 'badValue':
      return { carrier: { traceparent: h.name === 'traceparent' || h.name === 'TraceParent' ? h.value : h.tp, [h.name]: h.value } };
    case 'map-get': {
      const m = new Map<string, unknown>([['traceparent', h.tp]]);
      m.get = throwing;
      return { carrier: m };
    }
    case 'map-iter': {
      const m = new Map<string, unknown>([['traceparent', h.tp]]);
      m[Symbol.iterator] = throwing;
      m.entries = throwing;
      m.keys = throwing;
      m.forEach = throwing;
      return { carrier: m };
    }
    case 'map-weird-keys':
      return { carrier: new Map<unknown, unknown>([[1, h.tp], [Symbol('traceparent'), h.tp], [null, 'x'], [{}, 'y'], [h.name, h.value]]) };
    case 'headers-like':
      return { carrier: { get: throwing, has: throwing, forEach: throwing, entries: throwing, [Symbol.iterator]: throwing, traceparent: h.tp } };
    case 'frozen-array':
      return { carrier: Object.freeze([h.tp, h.value]) };
  }
}

test('hostile carriers never make extractW3C throw', () => {
  fc.assert(
    fc.property(hostileArb, (h) => {
      const { carrier, expected } = hostileCarrier(h);
      let ctx: unknown;
      assert.doesNotThrow(() => {
        ctx = extractW3C(carrier as Carrier);
      }, h.kind);
      assert.doesNotThrow(() => w3cStats(), h.kind);
      if (ctx !== undefined) {
        const c = ctx as Record<string, unknown>;
        assert.match(String(c.traceId), /^[0-9a-f]{32}$/, h.kind);
        assert.match(String(c.spanId), /^[0-9a-f]{16}$/, h.kind);
        assertClean(c.tracestate, h.kind);
      }
      if (expected !== undefined) assert.deepEqual(defined(ctx as object | undefined), expected.context, `${h.kind}: ${show(h.tp)} ${show(h.ts)}`);
    }),
    { numRuns: runs(0.05) },
  );
});

// ---------------------------------------------------------------------------------------------
// 5. counters
// ---------------------------------------------------------------------------------------------

let markerCount = 0;
/** A marker no rule description contains: letters outside hex, and a number. */
const nextMarker = (): string => `QzW${++markerCount}KvJ`;

const placedArb = fc.record({
  tp: fc.oneof(
    { weight: 3, arbitrary: anyTraceparent },
    { weight: 4, arbitrary: validTraceparent },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ),
  tpMarkAt: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
  ts: fc.option(fc.oneof(generatedTracestate, arbitraryTracestate), { nil: undefined }),
  tsMarkAt: fc.option(fc.nat(), { nil: undefined }),
});

test('counters: one malformed per rejected traceparent, one drop per invalid tracestate, and no raw values in lastMalformed', () => {
  const seen = { malformed: 0, dropped: 0, extracted: 0 };
  fc.assert(
    fc.property(placedArb, ({ tp, tpMarkAt, ts, tsMarkAt }) => {
      const tpMarker = nextMarker();
      const tsMarker = nextMarker();
      const place = (v: string, at: number, marker: string): string => v.slice(0, at % (v.length + 1)) + marker + v.slice(at % (v.length + 1));
      const tpSent = tp === undefined || tpMarkAt === undefined ? tp : place(tp, tpMarkAt, tpMarker);
      const tsSent = ts === undefined || tsMarkAt === undefined ? ts : place(ts, tsMarkAt, `v${tsMarker}=x`);
      const expected = oracle(tpSent, tsSent);
      const actual = run(plainCarrier(tpSent, tsSent));
      const what = `traceparent=${show(tpSent)} tracestate=${show(tsSent)}`;
      assert.deepEqual(actual.context, expected.context, what);
      assert.equal(actual.malformed, expected.malformed ? 1 : 0, `malformed count, ${what}`);
      assert.equal(actual.tracestateDropped, expected.tracestateDropped ? 1 : 0, `tracestateDropped count, ${what}`);
      assert.equal(actual.extracted, expected.context === undefined ? 0 : 1, `extracted count, ${what}`);
      if (actual.lastMalformed !== undefined) {
        assert.equal(typeof actual.lastMalformed, 'string');
        for (const raw of [tpMarker, tsMarker, tpSent, tsSent]) {
          if (raw !== undefined && raw.length >= 8) assert.ok(!actual.lastMalformed.includes(raw), `lastMalformed ${show(actual.lastMalformed)} holds ${show(raw)}`);
        }
      }
      if (expected.malformed) {
        seen.malformed++;
        assert.ok(actual.lastMalformed !== undefined && actual.lastMalformed.length > 0, `no lastMalformed after ${what}`);
      }
      if (expected.tracestateDropped) seen.dropped++;
      if (expected.context !== undefined) seen.extracted++;
    }),
    { numRuns: runs(0.15) },
  );
  assert.ok(seen.malformed > runs(0.15) * 0.2, `malformed: ${seen.malformed}`);
  assert.ok(seen.dropped > runs(0.15) * 0.05, `dropped: ${seen.dropped}`);
  assert.ok(seen.extracted > runs(0.15) * 0.2, `extracted: ${seen.extracted}`);
});
