// The report page's script, inlined into the HTML file. Plain browser JavaScript kept as text, so
// `tsx` runs and the build need no bundling step. It reads the JSON blocks of the page (a trace's
// block only when that trace is opened), and writes span data only through textContent and
// attributes, never as HTML. Rows of a waterfall are drawn for the visible part of the list only,
// so a 100,000-span trace costs a few dozen rows of DOM at a time.
// No backticks and no dollar-brace in here: this is the body of a template literal.

/** JavaScript of the report page. */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var ROW_H = 22;
  var OVERSCAN = 15;
  var SVGNS = 'http://www.w3.org/2000/svg';
  var t0 = performance.now();

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function readJson(id) {
    var node = $(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function fmt(us) {
    if (us < 0 || us === null || us === undefined) return '?';
    if (us < 1000) return Math.round(us) + 'µs';
    if (us < 1e6) return (us / 1000).toFixed(3) + 'ms';
    return (us / 1e6).toFixed(3) + 's';
  }
  function fmtShort(us) {
    if (us < 1000) return Math.round(us) + 'µs';
    if (us < 1e6) return Number((us / 1000).toPrecision(3)) + 'ms';
    return Number((us / 1e6).toPrecision(3)) + 's';
  }
  function when(us) {
    if (us === null || us === undefined) return '?';
    return new Date(us / 1000).toISOString().replace('T', ' ').replace('Z', '');
  }
  function hue(s) {
    var h = 0;
    for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
    // Spread by the golden angle: names a character apart (server-1, server-2) get far-apart hues.
    return Math.round(Math.abs(h) * 137.508) % 360;
  }
  function serviceColour(s) { return 'hsl(' + hue(s) + ', 55%, 55%)'; }

  var data = readJson('report-data');
  var RUN_COLOURS = ['#3b6fd8', '#e07b22', '#2e9e5b', '#9b4dca'];

  // ---- header -------------------------------------------------------------------------------
  var runsLine = $('runs');
  runsLine.textContent = data.runs.map(function (r, i) {
    return (data.runs.length > 1 ? 'run ' + (i + 1) + ': ' : '') + r.file + ' (' + r.spans + ' spans, ' + r.traces + ' traces' + (r.skipped ? ', ' + r.skipped + ' lines skipped' : '') + ')';
  }).join(' · ');

  // ---- the list of traces ------------------------------------------------------------------
  var traceBody = $('traces').querySelector('tbody');
  var traceRows = [];
  data.traces.forEach(function (t, k) {
    var tr = el('tr');
    tr.dataset.trace = String(k);
    if (t.errors > 0) tr.classList.add('error');
    var cells = [t.traceId, when(t.start), fmt(t.duration === null ? -1 : t.duration), t.spans, t.errors, (t.hasRoot ? '' : '⚠ ') + (t.rootService || 'unknown') + ': ' + (t.rootName || '(unnamed)')];
    if (data.runs.length > 1) cells.unshift(String(t.run + 1));
    cells.forEach(function (c, i) {
      var td = el('td', null, c);
      var col = data.runs.length > 1 ? i - 1 : i;
      if (col === 0) td.className = 'mono';
      if (col >= 2 && col <= 4) td.className = 'num';
      tr.appendChild(td);
    });
    if (t.waterfall < 0) tr.title = 'not embedded in this report (see --traces and --max-spans)';
    traceBody.appendChild(tr);
    traceRows.push(tr);
  });
  if (data.runs.length > 1) $('traces').querySelector('thead tr').insertBefore(el('th', null, 'run'), $('traces').querySelector('thead th'));
  $('traces-note').textContent = data.tracesNote || '';
  traceBody.addEventListener('click', function (ev) {
    var tr = ev.target.closest('tr');
    if (tr) openTrace(Number(tr.dataset.trace));
  });

  // ---- the waterfall -----------------------------------------------------------------------
  var viewport = $('waterfall');
  var spacer = el('div', 'spacer');
  viewport.appendChild(spacer);
  var details = $('details');
  var wf = null;

  function openTrace(k) {
    var started = performance.now();
    var t = data.traces[k];
    traceRows.forEach(function (tr, i) { tr.classList.toggle('current', i === k); });
    details.textContent = 'Click a span to see its tags and annotations.';
    if (!t || t.waterfall < 0) {
      wf = null;
      spacer.textContent = '';
      spacer.style.height = '0px';
      viewport.dataset.visibleRows = '0';
      $('trace-title').textContent = t ? 'Trace ' + t.traceId + ': not embedded in this report' : '';
      $('trace-info').textContent = t ? 'Only the newest traces are embedded; write the report again with a larger --traces or --max-spans to include it.' : '';
      return;
    }
    var raw = readJson('wf-' + t.waterfall);
    var rows = raw.rows;
    var n = rows.length;
    // Where each row's subtree ends, from the depths: one pass with a stack.
    var subEnd = new Int32Array(n);
    var stack = [];
    for (var i = 0; i < n; i++) {
      var d = rows[i][0];
      while (stack.length > 0 && rows[stack[stack.length - 1]][0] >= d) subEnd[stack.pop()] = i;
      stack.push(i);
    }
    while (stack.length > 0) subEnd[stack.pop()] = n;
    wf = { raw: raw, rows: rows, n: n, subEnd: subEnd, collapsed: new Uint8Array(n), visible: new Int32Array(n), count: 0, selected: -1, total: Math.max(1, raw.duration) };
    $('trace-title').textContent = 'Trace ' + raw.traceIds.join(', ');
    var info = when(raw.start) + ' UTC · ' + fmt(raw.duration) + ' · ' + n + ' spans · ' + raw.services + ' services';
    if (raw.skewed > 0) info += ' · ' + raw.skewed + ' span' + (raw.skewed === 1 ? '' : 's') + ' (⇆) shifted for clock skew, with their subtrees';
    if (raw.orphans > 0) info += ' · ' + raw.orphans + ' orphan span' + (raw.orphans === 1 ? '' : 's') + ' (⚠)';
    $('trace-info').textContent = info;
    drawAxis();
    viewport.scrollTop = 0;
    layout();
    document.body.dataset.openMs = (performance.now() - started).toFixed(1);
  }

  function drawAxis() {
    var ticks = $('axis-ticks');
    ticks.textContent = '';
    for (var k = 0; k <= 4; k++) {
      var s = el('span', null, fmtShort((wf.total * k) / 4));
      s.style.left = (k * 25) + '%';
      if (k === 4) s.style.transform = 'translateX(-100%)';
      if (k === 0) s.style.transform = 'none';
      ticks.appendChild(s);
    }
  }

  /** Recomputes the visible rows after a toggle: O(rows), no DOM. */
  function layout() {
    var c = 0;
    var i = 0;
    while (i < wf.n) {
      wf.visible[c++] = i;
      i = wf.collapsed[i] ? wf.subEnd[i] : i + 1;
    }
    wf.count = c;
    spacer.style.height = c * ROW_H + 'px';
    // A short trace gets a short box; a long one scrolls within 60% of the window.
    viewport.style.height = Math.max(120, Math.min(window.innerHeight * 0.6, c * ROW_H + 2)) + 'px';
    viewport.dataset.visibleRows = String(c);
    render();
  }

  var rendered = { first: -1, last: -1 };
  function render() {
    if (!wf) return;
    var top = viewport.scrollTop;
    var h = viewport.clientHeight || 600;
    var first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    var last = Math.min(wf.count, Math.ceil((top + h) / ROW_H) + OVERSCAN);
    rendered.first = first;
    rendered.last = last;
    var frag = document.createDocumentFragment();
    for (var k = first; k < last; k++) frag.appendChild(makeRow(wf.visible[k], k));
    spacer.textContent = '';
    spacer.appendChild(frag);
  }

  function makeRow(i, position) {
    var r = wf.rows[i];
    var s = wf.raw.strings;
    var flags = r[6];
    var row = el('div', 'row');
    row.style.top = position * ROW_H + 'px';
    row.dataset.row = String(i);
    row.dataset.depth = String(r[0]);
    if (flags & 1) row.classList.add('error');
    if (i === wf.selected) row.classList.add('selected');
    var label = el('div', 'label');
    label.style.paddingLeft = Math.min(r[0], 40) * 14 + 4 + 'px';
    var toggle = el('span', 'toggle');
    if (wf.subEnd[i] > i + 1) {
      toggle.classList.add(wf.collapsed[i] ? 'closed' : 'open');
      toggle.dataset.toggle = String(i);
      toggle.title = (wf.collapsed[i] ? 'expand: ' : 'collapse: ') + (wf.subEnd[i] - i - 1) + ' spans';
    }
    label.appendChild(toggle);
    if (flags & 2) label.appendChild(el('span', 'mark', '⚠'));
    if (flags & 4) {
      var m = el('span', 'mark', '⇆');
      m.title = 'skew ' + (r[7] < 0 ? '-' : '+') + fmt(Math.abs(r[7]));
      label.appendChild(m);
    }
    label.appendChild(el('span', 'service', s[r[2]] + ': '));
    label.appendChild(el('span', 'name', s[r[1]] + (r[3] >= 0 ? ' (' + s[r[3]].toLowerCase() + ')' : '')));
    row.appendChild(label);
    var track = el('div', 'track');
    if (r[4] >= 0) {
      var left = (r[4] / wf.total) * 100;
      var width = r[5] > 0 ? (r[5] / wf.total) * 100 : 0;
      var bar = el('div', 'bar');
      bar.style.left = left + '%';
      bar.style.width = width + '%';
      bar.style.background = serviceColour(s[r[2]]);
      track.appendChild(bar);
      var ann = r[13];
      for (var a = 0; a < ann.length && a < 40; a += 2) {
        var tick = el('div', 'tick');
        tick.style.left = (ann[a] / wf.total) * 100 + '%';
        tick.title = s[ann[a + 1]];
        track.appendChild(tick);
      }
      var dur = el('div', 'dur', fmt(r[5]));
      if (left + width > 80) { dur.style.right = (100 - left) + '%'; dur.style.marginRight = '4px'; }
      else { dur.style.left = (left + width) + '%'; dur.style.marginLeft = '4px'; }
      track.appendChild(dur);
    }
    row.appendChild(track);
    return row;
  }

  function toggle(i) {
    var started = performance.now();
    wf.collapsed[i] = wf.collapsed[i] ? 0 : 1;
    layout();
    document.body.dataset.toggleMs = (performance.now() - started).toFixed(1);
  }

  function setAll(collapsed) {
    if (!wf) return;
    var started = performance.now();
    for (var i = 0; i < wf.n; i++) wf.collapsed[i] = collapsed && wf.subEnd[i] > i + 1 ? 1 : 0;
    layout();
    document.body.dataset.toggleMs = (performance.now() - started).toFixed(1);
  }

  function addRow(table, key, value, cls) {
    var tr = el('tr');
    tr.appendChild(el('td', null, key));
    var td = el('td', cls, value);
    tr.appendChild(td);
    table.appendChild(tr);
  }

  function select(i) {
    wf.selected = i;
    var r = wf.rows[i];
    var s = wf.raw.strings;
    details.textContent = '';
    details.appendChild(el('h3', null, s[r[2]] + ': ' + s[r[1]]));
    var t = el('table');
    if (r[3] >= 0) addRow(t, 'kind', s[r[3]]);
    addRow(t, 'span ID', s[r[8]], 'mono');
    if (r[9] >= 0) addRow(t, 'parent ID', s[r[9]], 'mono');
    addRow(t, 'start', r[4] >= 0 ? '+' + fmt(r[4]) : '?');
    addRow(t, 'duration', fmt(r[5]));
    if (r[10] >= 0) addRow(t, 'remote service', s[r[10]]);
    if (r[6] & 4) addRow(t, 'clock skew', 'skew ' + (r[7] < 0 ? '-' : '+') + fmt(Math.abs(r[7])) + ': the hosts\u2019 clocks differ; moved into its client span, with its subtree', 'warn');
    if (r[6] & 8) addRow(t, 'clock skew', 'moved with a skewed parent on its host', 'warn');
    if (r[11] >= 0) addRow(t, 'orphan', s[r[11]], 'warn');
    details.appendChild(t);
    var tags = r[12];
    details.appendChild(el('div', 'section', 'Tags (' + tags.length / 2 + ')'));
    var tt = el('table', 'tags');
    for (var k = 0; k < tags.length; k += 2) addRow(tt, s[tags[k]], s[tags[k + 1]]);
    details.appendChild(tt);
    var ann = r[13];
    details.appendChild(el('div', 'section', 'Annotations (' + ann.length / 2 + ')'));
    var at = el('table', 'annotations');
    for (var a = 0; a < ann.length; a += 2) addRow(at, '+' + fmt(ann[a]), s[ann[a + 1]]);
    details.appendChild(at);
    render();
  }

  viewport.addEventListener('scroll', function () {
    if (!wf) return;
    var first = Math.max(0, Math.floor(viewport.scrollTop / ROW_H) - OVERSCAN);
    if (first !== rendered.first) render();
  });
  viewport.addEventListener('click', function (ev) {
    if (!wf) return;
    var tog = ev.target.closest('[data-toggle]');
    if (tog) { toggle(Number(tog.dataset.toggle)); return; }
    var row = ev.target.closest('.row');
    if (row) select(Number(row.dataset.row));
  });
  $('collapse-all').addEventListener('click', function () { setAll(true); });
  $('expand-all').addEventListener('click', function () { setAll(false); });

  // ---- histograms --------------------------------------------------------------------------
  var W = 380, H = 160, PAD_L = 34, PAD_R = 10, PAD_T = 8, PAD_B = 22;
  function histogram(hg) {
    var fig = el('figure', 'histogram');
    fig.dataset.span = hg.serviceName + ': ' + hg.name;
    fig.appendChild(el('figcaption', null, (hg.serviceName || 'unknown') + ': ' + (hg.name || '(unnamed)')));
    var plotW = W - PAD_L - PAD_R;
    var plotH = H - PAD_T - PAD_B;
    var logLo = Math.log(hg.lo);
    var logSpan = Math.log(hg.hi) - logLo;
    var x = function (us) { return PAD_L + ((Math.log(Math.max(us, hg.lo)) - logLo) / logSpan) * plotW; };
    var maxCount = 1;
    hg.runs.forEach(function (r) { if (r) r.bins.forEach(function (c) { if (c > maxCount) maxCount = c; }); });
    var root = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    root.appendChild(svg('title', {}, 'latency of ' + hg.name + ', log scale'));
    root.appendChild(svg('line', { x1: PAD_L, y1: PAD_T + plotH, x2: W - PAD_R, y2: PAD_T + plotH, stroke: '#9ca3af' }));
    root.appendChild(svg('text', { x: 2, y: PAD_T + 4 }, String(maxCount)));
    root.appendChild(svg('text', { x: 2, y: PAD_T + plotH }, '0'));
    // Ticks at powers of ten within the range, and at its ends when there are few.
    var ticks = [];
    for (var p = Math.ceil(Math.log10(hg.lo)); Math.pow(10, p) <= hg.hi; p++) ticks.push(Math.pow(10, p));
    if (ticks.length < 2) ticks = [hg.lo, Math.sqrt(hg.lo * hg.hi), hg.hi];
    ticks.forEach(function (v) {
      var tx = x(v);
      root.appendChild(svg('line', { x1: tx, y1: PAD_T + plotH, x2: tx, y2: PAD_T + plotH + 4, stroke: '#9ca3af' }));
      var anchor = tx < PAD_L + 14 ? 'start' : tx > W - PAD_R - 14 ? 'end' : 'middle';
      root.appendChild(svg('text', { x: tx, y: H - 6, 'text-anchor': anchor }, fmtShort(v)));
    });
    var bins = hg.runs.length > 0 && hg.runs.find(function (r) { return r; }).bins.length;
    hg.runs.forEach(function (r, run) {
      if (!r) return;
      var colour = RUN_COLOURS[run % RUN_COLOURS.length];
      var g = svg('g', { 'class': 'run', 'data-run': run, fill: colour, 'fill-opacity': hg.runs.length > 1 ? 0.55 : 0.85 });
      for (var b = 0; b < bins; b++) {
        if (r.bins[b] === 0) continue;
        var x0 = PAD_L + (b / bins) * plotW;
        var bh = (r.bins[b] / maxCount) * plotH;
        g.appendChild(svg('rect', { 'class': 'bin', x: x0 + 0.5, y: PAD_T + plotH - bh, width: Math.max(1, plotW / bins - 1), height: bh }));
      }
      root.appendChild(g);
      [['p50', r.p50], ['p90', r.p90], ['p99', r.p99]].forEach(function (m, k) {
        var mx = x(m[1]);
        root.appendChild(svg('line', { 'class': 'marker ' + m[0], x1: mx, y1: PAD_T - 2, x2: mx, y2: PAD_T + plotH, stroke: colour, 'stroke-dasharray': k === 0 ? '' : '3 2', 'stroke-width': 1.5 }));
        // Labels on their own lines (per marker and run), so close percentiles stay readable.
        var right = mx > W - PAD_R - 24;
        root.appendChild(svg('text', { 'class': 'marker-label', x: right ? mx - 2 : mx + 2, y: PAD_T + 9 + (run * 3 + k) * 10, 'text-anchor': right ? 'end' : 'start', 'font-weight': 600, fill: colour }, m[0]));
      });
    });
    fig.appendChild(root);
    hg.runs.forEach(function (r, run) {
      if (!r) return;
      fig.appendChild(el('div', 'stats', (hg.runs.length > 1 ? 'run ' + (run + 1) + ': ' : '') + r.count + ' spans · p50 ' + fmt(r.p50) + ' · p90 ' + fmt(r.p90) + ' · p99 ' + fmt(r.p99) + ' · max ' + fmt(r.max)));
    });
    return fig;
  }
  var grid = $('histograms');
  data.histograms.forEach(function (hg) { grid.appendChild(histogram(hg)); });
  $('histograms-note').textContent = data.histogramsNote || '';
  if (data.runs.length > 1) {
    var legend = $('legend');
    data.runs.forEach(function (r, i) {
      var s = el('span');
      var sw = el('i');
      sw.style.background = RUN_COLOURS[i % RUN_COLOURS.length];
      s.appendChild(sw);
      s.appendChild(document.createTextNode('run ' + (i + 1) + ': ' + r.file));
      legend.appendChild(s);
    });
  }

  // ---- comparison --------------------------------------------------------------------------
  var cmp = data.comparison;
  if (cmp) {
    $('comparison-section').hidden = false;
    $('comparison-title').textContent = 'Comparison: ' + cmp.baseFile + ' → ' + cmp.otherFile;
    var table = $('comparison');
    var head = el('tr');
    cmp.headers.forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.querySelector('thead').appendChild(head);
    var body = table.querySelector('tbody');
    cmp.rows.forEach(function (r) {
      var tr = el('tr');
      r.forEach(function (c, i) { tr.appendChild(el('td', i >= 2 ? 'num' : null, c)); });
      body.appendChild(tr);
    });
    var notes = $('comparison-notes');
    cmp.notes.forEach(function (n) { notes.appendChild(el('div', 'note', n[0] + ': ' + n[1])); });
  }

  // The newest embedded trace opens first.
  var firstEmbedded = data.traces.findIndex(function (t) { return t.waterfall >= 0; });
  if (firstEmbedded >= 0) openTrace(firstEmbedded);
  requestAnimationFrame(function () {
    document.body.dataset.firstPaintMs = (performance.now() - t0).toFixed(1);
    document.body.dataset.ready = '1';
  });
})();
`;
