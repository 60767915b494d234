// Turns raw samples into tables: medians, overhead over the baseline, per-round paired ratios.
import { median, medianInterval, range } from './stats.mjs';

// The encode group's table is benchmarks/encode.mjs's own (it loads the library only when run).
const encodeBench = await import('./encode.mjs');
const endToEndBench = await import('./end-to-end.mjs');
const cliBench = await import('./cli.mjs');
const kafkaBench = await import('./kafka.mjs');
// The import group's table is benchmarks/import.mjs's own; a tree without that file renders the rest.
const importBench = await import('./import.mjs').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('import.mjs')) return undefined;
  throw error;
});

/** Per-round paired statistics of each scenario of one cell against its baseline. */
export function analyseCell(cell) {
  const base = cell.samples[cell.baseline];
  const rows = [];
  for (const [name, samples] of Object.entries(cell.samples)) {
    const ratios = samples.map((v, i) => v / base[i]);
    const overheads = samples.map((v, i) => v - base[i]);
    rows.push({
      name,
      medianNs: median(samples),
      overheadNs: median(overheads),
      ratio: median(ratios),
      ratioRange: range(ratios),
    });
  }
  return rows;
}

/** Median per-round ratio of overheads (a − base) / (b − base): how many times b's cost a costs. */
export function overheadRatio(cell, a, b) {
  const base = cell.samples[cell.baseline];
  const sa = cell.samples[a];
  const sb = cell.samples[b];
  if (!sa || !sb) return NaN;
  return median(sa.map((v, i) => (v - base[i]) / (sb[i] - base[i])));
}

const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
export { fmt };

/** A markdown table of one cell. */
export function cellTable(cell) {
  const lines = ['| scenario | median ns/call | over bare, ns | ratio to bare (min–max) |', '| --- | ---: | ---: | ---: |'];
  for (const r of analyseCell(cell)) {
    lines.push(`| ${r.name} | ${fmt(r.medianNs)} | ${r.name === cell.baseline ? '' : fmt(r.overheadNs)} | ${fmt(r.ratio, 2)} (${fmt(r.ratioRange[0], 2)}–${fmt(r.ratioRange[1], 2)}) |`);
  }
  return lines.join('\n');
}

const DS = 'deferred-span sampled';
const TARGETS = [
  ['naive recorder', 'sampled span cost ÷ naive recorder’s (target ≤ 0.5)', (c) => overheadRatio(c, DS, 'naive recorder'), (x) => x <= 0.5],
  ['OpenTelemetry explicit parent', 'OpenTelemetry (explicit parent) ÷ sampled span (target ≥ 4)', (c) => overheadRatio(c, 'OpenTelemetry explicit parent', DS), (x) => x >= 4],
  ['zipkin-js', 'zipkin-js ÷ sampled span (target ≥ 5)', (c) => overheadRatio(c, 'zipkin-js', DS), (x) => x >= 5],
  ['deferred-span unsampled', 'unsampled call over bare, ns (target ≤ 50)', (c) => pairedDifference(c, 'deferred-span unsampled', c.baseline), (x, c) => unsampledVerdict(x, c)],
  ['OpenTelemetry AsyncLocalStorage', 'OpenTelemetry (AsyncLocalStorage) ÷ sampled span (target ≥ 4)', (c) => overheadRatio(c, 'OpenTelemetry AsyncLocalStorage', DS), (x) => x >= 4],
  ['deferred-span sampled, orphan tracking on', 'cost of trackOrphans per span, ns (on − off, paired)', (c) => pairedDifference(c, 'deferred-span sampled, orphan tracking on', 'deferred-span sampled, orphan tracking off'), () => null],
];

/** Per-round differences a − b, in ns per call (empty when either is missing). */
function pairedDifferences(cell, a, b) {
  const sa = cell.samples[a];
  const sb = cell.samples[b];
  return sa && sb ? sa.map((v, i) => v - sb[i]) : [];
}

/** The 95% interval of the median per-round difference a − b. */
export function pairedDifferenceInterval(cell, a, b) {
  return medianInterval(pairedDifferences(cell, a, b));
}

const NOISE = 'bare again (noise control)';

/**
 * Met when the median is within the target; not resolved when it is not but its 95% interval
 * reaches the target (the cell's noise is larger than the target: the bare call against itself
 * shows how large); missed otherwise.
 */
function unsampledVerdict(x, cell) {
  if (x <= 50) return true;
  const [low, high] = pairedDifferenceInterval(cell, 'deferred-span unsampled', cell.baseline);
  if (low <= 50) return `not resolved: 95% interval ${fmt(low)} to ${fmt(high)} ns`;
  return false;
}

/** Median per-round difference a − b, in ns per call. */
export function pairedDifference(cell, a, b) {
  return median(pairedDifferences(cell, a, b));
}

/** The target checks that apply to one cell, as rows [label, value, met]. */
export function cellTargets(cell) {
  const rows = [];
  for (const [needs, label, get, ok] of TARGETS) {
    if (!(needs in cell.samples)) continue;
    const v = get(cell);
    rows.push([label, v, ok(v, cell)]);
  }
  if (NOISE in cell.samples) {
    const [low, high] = pairedDifferenceInterval(cell, NOISE, cell.baseline);
    rows.push([`bare against itself (noise control), ns; 95% interval ${fmt(low)} to ${fmt(high)}`, pairedDifference(cell, NOISE, cell.baseline), null]);
  }
  return rows;
}

/** The HTTP instrumentation group's figures of one side and shape (`sequential` or `16 concurrent`). */
export function httpInstrumentationFigures(h, side, shape) {
  return h?.figures?.find((f) => f.side === side && f.shape === (shape === 'concurrent' ? `${h.concurrency} concurrent` : shape));
}

/** The targets of the HTTP instrumentation group: [label, value, met] per side and shape. */
export function httpInstrumentationTargets(h) {
  const rows = [];
  for (const [side, ours, otel] of [['client', 'deferred-span span.fetch', 'OpenTelemetry instrumentation-undici'], ['server', 'deferred-span tracer.httpHandler', 'OpenTelemetry instrumentation-http']]) {
    const what = side === 'client' ? '`span.fetch` over a bare loopback `fetch`' : '`tracer.httpHandler` over a bare `http.createServer` handler';
    for (const f of h.figures.filter((x) => x.side === side)) {
      const o = f.alternatives[ours];
      const pct = o?.percentOfBare;
      rows.push([`${what}, ${f.shape}: added CPU, % of the bare request (target < 3 %)`, pct, pct < 3]);
      const r = f.alternatives[otel]?.ratioToOurs;
      rows.push([`… ${side} side, ${f.shape}: OpenTelemetry's added CPU ÷ ours (target ≥ 4)`, r, r >= 4]);
    }
  }
  return rows;
}

function renderHttpInstrumentation(h) {
  const out = [];
  // NaN went through JSON as null: not a figure.
  const us = (ns, d = 1) => (typeof ns === 'number' ? fmt(ns / 1000, d) : 'n/a');
  const interval = (v) => {
    const [lo, hi] = v ?? [];
    return typeof lo === 'number' && typeof hi === 'number' ? ` (${us(lo)} to ${us(hi)})` : '';
  };
  out.push(
    `### HTTP instrumentation: CPU that tracing adds to a loopback request (${h.rounds} rounds × ${fmt(h.requestsPerSample)} requests per alternative and shape, after ${fmt(h.warmupRequests)} warm-up requests each; concurrent: ${h.concurrency} in flight; ${h.bodyBytes}-byte response body)`,
    '',
    'Process CPU (`process.cpuUsage()`, user + system) per request, each alternative in a process of its own, the other end of the request in another process (not counted); span delivery is flushed inside the measured window. Added CPU is the median over rounds of the difference from the bare request of the same round; a ratio and a percentage are taken within each round, then their median.',
    '',
  );
  for (const [side, title] of [['client', 'Client side: one `fetch` to a loopback server'], ['server', 'Server side: one request answered, load from another process']]) {
    const figures = h.figures.filter((f) => f.side === side);
    if (figures.length === 0) continue;
    const ours = side === 'client' ? 'deferred-span span.fetch' : 'deferred-span tracer.httpHandler';
    out.push(`#### ${title}`, '');
    out.push('| alternative | requests | added CPU per request, µs (95% interval) | ratio to ours | % of a bare loopback request |', '| --- | --- | ---: | ---: | ---: |');
    for (const f of figures) {
      const bareName = h.alternatives[side].bare;
      out.push(`| ${bareName}: its own CPU per request | ${f.shape} | **${us(f.bareNs)}** (its own) | | 100 |`);
      for (const [name, a] of Object.entries(f.alternatives)) {
        const traced = h.spanCounts?.[side]?.[name] > 0;
        out.push(`| ${name === ours ? `**${name}**` : name} | ${f.shape} | ${us(a.addedNs)}${interval(a.addedNsInterval)} | ${traced ? fmt(a.ratioToOurs, 2) : ''} | ${fmt(a.percentOfBare, 1)} |`);
      }
    }
    out.push('');
    const rec = h.recorded?.[side] ?? {};
    if (Object.keys(rec).length > 0) {
      out.push('What each records (the last span of its last batch, as Zipkin JSON v2):', '');
      for (const [name, r] of Object.entries(rec)) {
        out.push(`- ${name}: ${r.kind}, ${fmt(r.bytes)} bytes; tags ${r.tags.map((t) => `\`${t}\``).join(', ') || 'none'}; annotations ${r.annotations.map((t) => `\`${t}\``).join(', ') || 'none'}`);
      }
      out.push('');
    }
  }
  const idle = 'bare fetch, wire subscription idle after a traced request';
  const noise = 'bare fetch again (noise control)';
  const clientFigures = h.figures.filter((f) => f.side === 'client' && idle in f.alternatives);
  if (clientFigures.length > 0) {
    out.push('Untraced `fetch` in a process whose wire subscription is idle (one traced request made and finished first) against a process that never traced, and the bare request against itself in another process (noise control):', '');
    out.push('| requests | idle subscription − never traced, µs (95% interval) | bare again − bare, µs (95% interval) | equal within noise (interval holds 0) |', '| --- | ---: | ---: | :---: |');
    for (const f of clientFigures) {
      const i = f.alternatives[idle];
      const n = f.alternatives[noise];
      const [lo, hi] = i.addedNsInterval ?? [];
      const within = typeof lo === 'number' && typeof hi === 'number' ? (lo <= 0 && hi >= 0 ? 'yes' : '**no**') : 'n/a (fewer than 6 rounds)';
      out.push(`| ${f.shape} | ${us(i.addedNs)}${interval(i.addedNsInterval)} | ${n ? us(n.addedNs) + interval(n.addedNsInterval) : ''} | ${within} |`);
    }
    out.push('');
  }
  out.push('| per-round paired figure (median) | value | target met |', '| --- | ---: | :---: |');
  for (const [label, v, ok] of httpInstrumentationTargets(h)) out.push(`| ${label} | ${fmt(v, 2)} | ${Number.isFinite(v) ? (ok ? 'yes' : '**no**') : ''} |`);
  out.push('');
  return out;
}

/** The end-to-end targets of issue 16 as [label, value, met]: ratios to the floor and to OpenTelemetry, same shape, same run. */
export function endToEndTargets(e) {
  const cell = (alt, shape) => Object.values(e.cpu).find((f) => f.alt === alt && f.shape === shape && f.config === 'defaults');
  const out = [];
  const plain = cell('deferred', 'plain');
  const seed = cell('deferred', 'seed');
  if (plain && Number.isFinite(plain.ratioToFloor)) out.push(['plain span, ours ÷ the floor (target ≤ 1.1)', plain.ratioToFloor, plain.ratioToFloor <= 1.1]);
  if (seed && Number.isFinite(seed.ratioToFloor)) out.push(["the seed's client span, ours ÷ the floor's (target ≤ 1.3)", seed.ratioToFloor, seed.ratioToFloor <= 1.3]);
  if (seed && Number.isFinite(seed.otelRatio)) out.push(["the seed's client span, OpenTelemetry ÷ ours (target ≥ 5)", seed.otelRatio, seed.otelRatio >= 5]);
  return out;
}

/** Everything as markdown: one section per group and cell, then memory, event loop, HTTP and import cost. */
export function renderResults(results) {
  const out = [];
  if (results.node) out.push(`Measured on Node.js v${results.node.version}.`, '');
  for (const g of results.groups ?? []) {
    out.push(`### Group \`${g.group}\` (${g.rounds} rounds × ${g.calls.toLocaleString('en-US')} calls per scenario, after ${g.warmupCalls.toLocaleString('en-US')} warm-up calls)`, '');
    for (const c of g.cells) {
      out.push(`#### ${c.workload}, ${c.shape}`, '', cellTable(c), '');
      const t = cellTargets(c);
      if (t.length > 0) {
        out.push('| per-round paired figure (median) | value | target met |', '| --- | ---: | :---: |');
        for (const [label, v, ok] of t) out.push(`| ${label} | ${fmt(v, 2)} | ${ok === null ? '' : typeof ok === 'string' ? ok : ok ? 'yes' : '**no**'} |`);
        out.push('');
      }
    }
  }
  const m = results.memory;
  if (m) {
    out.push(`### Memory: bytes held per call in flight (${m.inflight.toLocaleString('en-US')} in flight, after forced GC; median of ${m.repeats})`, '');
    out.push('| scenario | bytes per call in flight | over bare |', '| --- | ---: | ---: |');
    for (const [name, v] of Object.entries(m.inFlight)) out.push(`| ${name} | ${fmt(v.bytes)} | ${name === 'bare' ? '' : fmt(v.overBare)} |`);
    const g = m.growth;
    out.push('', `Heap growth over ${g.calls.toLocaleString('en-US')} sampled calls (sequential, encoding sink), after forced GC, relative to the heap after the first million: ` +
      g.checkpoints.map((b, i) => `${(i + 1)}M: ${fmt(b / 1024)} KiB`).join(', ') + '.', '');
  }
  const e = results.eventLoop;
  if (e) {
    out.push(`### Event-loop blocking: ${e.calls.toLocaleString('en-US')} traced calls finishing in one burst (median of ${e.repeats})`, '');
    out.push('The longest gap between two turns of the event loop from the moment every call can finish until every span is delivered (`close()` resolved), against the same burst untraced. The burst itself is one macrotask of promise reactions, so each span\'s own end work (IDs, clock, hand-off) lands inside it; what a sink adds beyond that is its encoding and writing.', '');
    out.push('| sink | longest block, ms | over untraced, ms |', '| --- | ---: | ---: |');
    const base = e.longestBlockMillis.untraced;
    for (const [name, v] of Object.entries(e.longestBlockMillis)) out.push(`| ${name} | ${fmt(v, 1)} | ${name === 'untraced' ? '' : fmt(v - base, 1)} |`);
    out.push('');
  }
  if (results.httpInstrumentation) out.push(...renderHttpInstrumentation(results.httpInstrumentation));
  const h = results.http;
  if (h) {
    out.push('### HTTP sink to a local Zipkin server', '');
    out.push(`CPU the process spends per span sent (traced call + encoding + HTTP, minus the bare calls; ${h.calls.toLocaleString('en-US')} calls, median of 3): **${fmt(h.cpuPerSpanNs / 1000, 2)} µs**.`, '');
    out.push('| offered spans/s | achieved | sent | dropped | delivered within, ms after the last call | holds |', '| ---: | ---: | ---: | ---: | ---: | :---: |');
    for (const r of h.sustained) out.push(`| ${fmt(r.rate)} | ${fmt(r.achieved)} | ${fmt(r.sent)} | ${r.dropped} | ${fmt(r.drainMillis)} | ${r.ok ? 'yes' : 'no'} |`);
    out.push('');
  } else if (results.httpSkipped) {
    out.push('### HTTP sink', '', results.httpSkipped, '');
  }
  if (results.endToEnd) {
    out.push('### End to end (benchmarks/end-to-end.mjs): from the call to the bytes acknowledged by a collector', '');
    for (const [label, v, ok] of endToEndTargets(results.endToEnd)) out.push(`- ${label}: ${fmt(v, 2)} (${ok ? 'met' : '**missed**'})`);
    out.push('', endToEndBench.endToEndMarkdown(results.endToEnd), '');
  } else if (results.endToEndSkipped) {
    out.push('### End to end', '', results.endToEndSkipped, '');
  }
  if (results.endToEndZipkin) {
    out.push('### End to end to a real Zipkin (benchmarks/end-to-end.mjs --zipkin): the floor, ours and the competitors, each span acknowledged by Zipkin itself', '', endToEndBench.endToEndMarkdown(results.endToEndZipkin), '');
  } else if (results.endToEndZipkinSkipped) {
    out.push('### End to end to a real Zipkin', '', results.endToEndZipkinSkipped, '');
  }
  if (results.burst) {
    out.push('### Bursts into a real Zipkin: which queue and in-flight settings hold them (benchmarks/end-to-end.mjs --burst)', '', endToEndBench.burstMarkdown(results.burst), '');
  } else if (results.burstSkipped) {
    out.push('### Bursts into a real Zipkin', '', results.burstSkipped, '');
  }
  if (results.encode) {
    const e = encodeBench.encodeHeadline(results.encode);
    out.push('### Encoding realistic spans (benchmarks/encode.mjs): CPU ns per span, against a hand-written encoder of the same JSON', '');
    out.push(`The seed's client span at ${fmt(e.seedRatioToFloor, 2)}× the floor (target ≤ ${e.seedTarget}: ${e.seedTargetMet ? 'met' : 'missed'}); a plain span ${fmt(e.plainNsPerSpan)} ns.`, '');
    out.push(encodeBench.encodeTableMarkdown(results.encode), '');
  }
  if (results.propagation) {
    const p = results.propagation;
    out.push(`### Propagation (benchmarks/propagation.mjs): ns per call, ${p.rounds} interleaved rounds of ${fmt(p.calls)} calls`, '');
    out.push('| call | ns (median) | 95% interval |', '| --- | ---: | ---: |');
    for (const [name, v] of Object.entries(p.ns)) out.push(`| ${name} | ${fmt(v.median)} | ${fmt(v.interval[0])} to ${fmt(v.interval[1])} |`);
    out.push('', '| ratio (median of per-round ratios) | value |', '| --- | ---: |');
    for (const [name, v] of Object.entries(p.ratios)) out.push(`| ${name} | ${fmt(v, 2)} |`);
    out.push('');
  }
  if (results.kafka) out.push('### The Kafka sink against a local broker, beside the HTTP sink (benchmarks/kafka.mjs)', '', kafkaBench.kafkaMarkdown(results.kafka), '');
  else if (results.kafkaSkipped) out.push('### The Kafka sink', '', results.kafkaSkipped, '');
  if (results.cli) out.push('### The CLI reading a span file (benchmarks/cli.mjs)', '', cliBench.cliMarkdown(results.cli), '');
  if (results.import && importBench) {
    out.push(`### Import cost: fresh processes importing the built package (Node ${results.import.node}, ${results.import.runs} runs per case, round by round)`, '');
    out.push(`Measured by ${results.import.measuredBy}.`, '', importBench.importTableMarkdown(results.import), '');
  } else if (results.import) {
    out.push('### Import cost', '', 'Measured, but benchmarks/import.mjs, which renders it, is not in this tree.', '');
  } else if (results.importSkipped) {
    out.push('### Import cost', '', results.importSkipped, '');
  }
  return out.join('\n');
}
