// The report page's stylesheet, inlined into the HTML file: no request leaves the page.

/** CSS of the report page. */
export const PAGE_STYLE = `
:root { --row: 22px; --fg: #1d2330; --dim: #6b7280; --line: #e5e7eb; --err: #c62828; --warn: #b26a00; --sel: #e8f0fe; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
header { padding: 12px 20px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 18px; }
header .runs { color: var(--dim); }
main { padding: 0 20px 40px; }
h2 { font-size: 15px; margin: 20px 0 8px; }
table { border-collapse: collapse; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { font-weight: 600; color: var(--dim); position: sticky; top: 0; background: #fff; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { max-height: 280px; overflow: auto; border: 1px solid var(--line); }
#traces tbody tr { cursor: pointer; }
#traces tbody tr:hover { background: #f6f7f9; }
#traces tbody tr.current { background: var(--sel); }
#traces tbody tr.error td:first-child { border-left: 3px solid var(--err); }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.toolbar { display: flex; gap: 8px; align-items: center; margin: 6px 0; }
.toolbar .info { color: var(--dim); }
button { font: inherit; padding: 2px 10px; border: 1px solid #c7cbd3; border-radius: 4px; background: #f8f9fb; cursor: pointer; }
.waterfall-wrap { display: flex; gap: 12px; align-items: flex-start; }
#waterfall { position: relative; height: 60vh; overflow: auto; border: 1px solid var(--line); flex: 1 1 auto; }
#waterfall .spacer { position: relative; }
.axis { display: flex; height: 20px; border: 1px solid var(--line); border-bottom: 0; color: var(--dim); font-size: 11px; }
.axis .label-col { flex: 0 0 42%; padding-left: 6px; }
.axis .ticks { position: relative; flex: 1 1 auto; }
.axis .ticks span { position: absolute; top: 2px; transform: translateX(-50%); }
.row { position: absolute; left: 0; right: 0; height: var(--row); display: flex; align-items: center; cursor: pointer; border-bottom: 1px solid #f1f2f4; }
.row:hover { background: #f6f7f9; }
.row.selected { background: var(--sel); }
.row .label { flex: 0 0 42%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; padding-right: 6px; }
.row .toggle { display: inline-block; width: 16px; text-align: center; color: var(--dim); }
.row .toggle.open::before { content: "▾"; }
.row .toggle.closed::before { content: "▸"; }
.row .service { font-weight: 600; }
.row.error .label { color: var(--err); }
.row .mark { color: var(--warn); margin-right: 3px; }
.row .track { position: relative; flex: 1 1 auto; height: 100%; }
.row .bar { position: absolute; top: 5px; height: 12px; min-width: 2px; border-radius: 2px; }
.row.error .bar { background: var(--err) !important; }
.row .dur { position: absolute; top: 3px; font-size: 11px; color: var(--dim); white-space: nowrap; }
.row .tick { position: absolute; top: 3px; width: 1px; height: 16px; background: rgba(0,0,0,.45); }
#details { flex: 0 0 360px; max-height: 60vh; overflow: auto; border: 1px solid var(--line); padding: 8px 10px; }
#details h3 { margin: 0 0 6px; font-size: 14px; overflow-wrap: anywhere; }
#details table { width: 100%; }
#details td { white-space: normal; overflow-wrap: anywhere; vertical-align: top; }
#details td:first-child { color: var(--dim); width: 30%; }
#details .section { margin-top: 10px; font-weight: 600; }
.warn { color: var(--warn); }
.histograms { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 14px; }
figure.histogram { margin: 0; border: 1px solid var(--line); padding: 6px 8px; }
figure.histogram figcaption { font-weight: 600; margin-bottom: 2px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
figure.histogram .stats { color: var(--dim); font-size: 11px; }
svg text { font: 10px system-ui, sans-serif; fill: #4b5563; }
.legend span { display: inline-block; margin-right: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
.note { color: var(--dim); }
`;
