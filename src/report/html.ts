// The report as one HTML file: style, script and data inline, and a Content-Security-Policy that
// lets the page load nothing at all, so it works opened from disk and cannot call out.
import { createHash } from 'node:crypto';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

/**
 * A value as JSON that can sit inside `<script type="application/json">`: every `<` escaped (so
 * no `</script>` or `<!--` can end or bend the block) and U+2028/U+2029 too (line breaks to some
 * parsers). `JSON.parse` of the block's text gives the value back.
 *
 * @example scriptJson({ name: '</script>' }) // '{"name":"\\u003c/script>"}'
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Text for an HTML element or attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page's parts: its title, the report's data and each embedded trace, already as `scriptJson`. */
export interface ReportPage {
  readonly title: string;
  /** `scriptJson` of the report's data. */
  readonly data: string;
  /** `scriptJson` of each embedded trace's `WaterfallData`, in the order the data names them. */
  readonly waterfalls: readonly string[];
}

/**
 * The HTML of the report. Each trace's data is a block of its own, parsed only when the trace is
 * opened, so a report of many traces opens as fast as one.
 *
 * @example const html = reportHtml({ title: 'run', data: scriptJson(data), waterfalls: [] });
 */
export function reportHtml(page: ReportPage): string {
  const hash = createHash('sha256').update(PAGE_SCRIPT).digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const title = escapeHtml(page.title);
  const parts = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head><body>',
    `<header><h1>${title}</h1><div class="runs" id="runs"></div></header>`,
    '<main>',
    '<section><h2>Traces</h2><div class="scroll"><table id="traces"><thead><tr><th>trace</th><th>start (UTC)</th><th>duration</th><th>spans</th><th>errors</th><th>root</th></tr></thead><tbody></tbody></table></div><div class="note" id="traces-note"></div></section>',
    '<section><h2 id="trace-title">Waterfall</h2><div class="toolbar"><button id="collapse-all" type="button">Collapse all</button><button id="expand-all" type="button">Expand all</button><span class="info" id="trace-info"></span></div>',
    '<div class="waterfall-wrap"><div style="flex:1 1 auto;min-width:0"><div class="axis"><div class="label-col">service: span</div><div class="ticks" id="axis-ticks"></div></div><div id="waterfall" data-visible-rows="0"></div></div><aside id="details">Click a span to see its tags and annotations.</aside></div></section>',
    '<section><h2>Latency per span name</h2><div class="note">Log-scaled durations; p50 solid, p90 and p99 dashed.</div><div class="legend" id="legend"></div><div class="histograms" id="histograms"></div><div class="note" id="histograms-note"></div></section>',
    '<section id="comparison-section" hidden><h2 id="comparison-title">Comparison</h2><div class="scroll" style="max-height:none"><table id="comparison"><thead></thead><tbody></tbody></table></div><div id="comparison-notes"></div></section>',
    '</main>',
    `<script type="application/json" id="report-data">${page.data}</script>`,
  ];
  page.waterfalls.forEach((w, i) => parts.push(`<script type="application/json" id="wf-${i}">${w}</script>`));
  parts.push(`<script>${PAGE_SCRIPT}</script>`, '</body></html>', '');
  return parts.join('\n');
}
