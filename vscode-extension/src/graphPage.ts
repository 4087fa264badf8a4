// The HTML of the dataflow-graph page. A standalone page generator: the
// extension's webview uses it with the webview's CSP source and resource
// URIs; the browser test serves the very same page from a local HTTP server
// with a fixed DOT string. Pure: no vscode.

/** Label colours, as the server colours the DOT (and the legend shows them). */
export const LABEL_COLORS: ReadonlyArray<{ label: string; color: string; meaning: string }> = [
  { label: 'Seal', color: '#2e7d32', meaning: 'deterministic contents, punctuated' },
  { label: 'Async', color: '#1565c0', meaning: 'deterministic contents, any order' },
  { label: 'Run', color: '#ef6c00', meaning: 'contents may differ between runs' },
  { label: 'Inst', color: '#c62828', meaning: 'contents may differ between replicas' },
  { label: 'Diverge', color: '#6a1b9a', meaning: 'replicas may diverge for good' },
  { label: 'unlabelled', color: '#9e9e9e', meaning: 'nothing reaches it' },
];

/** The colour of a witness's differing part (components and streams where
 *  the two executions disagree), apart from every label colour. */
export const WITNESS_COLOR = '#ff00c8';

export interface GraphPageOptions {
  /** The origin allowed to serve scripts and styles: webview.cspSource, or the test server's origin. */
  cspSource: string;
  /** A fresh random nonce for the inline style and the scripts. */
  nonce: string;
  /** URL of the bundled @hpcc-js/wasm-graphviz (dist/webview/graphviz.js). */
  graphvizScriptUri: string;
  /** URL of the page script (dist/webview/graph.js). */
  pageScriptUri: string;
  /** DOT to render at once (the test); the extension posts it instead. */
  initialDot?: string;
  /** Shown above the graph (the document's name). */
  title?: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    // wasm-graphviz compiles its (inlined) WebAssembly module.
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function renderGraphPage(o: GraphPageOptions): string {
  const legend = LABEL_COLORS.map(
    (l) =>
      `<li data-label="${escapeHtml(l.label)}" data-color="${l.color}" title="${escapeHtml(l.meaning)}">` +
      `<span class="swatch swatch-${l.label}"></span>${escapeHtml(l.label)}</li>`,
  ).join('\n      ');
  const swatches = LABEL_COLORS.map((l) => `#legend .swatch-${l.label} { background: ${l.color}; }`).join('\n    ');
  const title = escapeHtml(o.title ?? 'Dataflow graph');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Blazes: ${title}</title>
  <style nonce="${o.nonce}">
    :root { color-scheme: light dark; }
    body {
      margin: 0; padding: 12px 16px;
      font-family: var(--vscode-font-family, system-ui, sans-serif);
      font-size: var(--vscode-font-size, 13px);
      color: var(--vscode-foreground, #1f1f1f);
      background: var(--vscode-editor-background, #ffffff);
    }
    header { display: flex; align-items: baseline; gap: 12px; margin-bottom: 8px; }
    header h1 { font-size: 1.1em; margin: 0; font-weight: 600; }
    #status { opacity: 0.7; font-size: 0.9em; }
    #legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 16px; padding: 0; margin: 0 0 12px; }
    #legend li { display: flex; align-items: center; gap: 6px; }
    #legend .swatch { width: 14px; height: 14px; border-radius: 3px; display: inline-block; }
    #graph { background: #ffffff; border-radius: 6px; padding: 8px; overflow: auto; min-height: 60px; }
    #graph svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
    #graph g.node { cursor: pointer; }
    #graph g.node:hover polygon, #graph g.node:hover ellipse, #graph g.node:hover path { stroke-width: 3; }
    #graph g.node:focus { outline: 2px solid var(--vscode-focusBorder, #0078d4); }
    ${swatches}
    #legend .swatch-witness { background: transparent; border: 3px solid ${WITNESS_COLOR}; width: 10px; height: 10px; }
    #legend li[hidden] { display: none; }
    #graph g.witness polygon, #graph g.witness ellipse, #graph g.witness path { stroke: ${WITNESS_COLOR}; stroke-width: 4px; }
    #graph g.edge.witness polygon { fill: ${WITNESS_COLOR}; }
    #graph g.edge.witness text { fill: ${WITNESS_COLOR}; font-weight: bold; }
    #error { color: var(--vscode-errorForeground, #c62828); white-space: pre-wrap; }
  </style>
</head>
<body data-state="loading">
  <header><h1 id="title">${title}</h1><span id="status">rendering…</span></header>
  <ul id="legend" aria-label="Label colours">
      ${legend}
      <li id="legend-witness" data-color="${WITNESS_COLOR}" hidden><span class="swatch swatch-witness"></span><span class="text">Witness</span></li>
  </ul>
  <div id="graph" role="img" aria-label="Dataflow graph"></div>
  <pre id="error" hidden></pre>
  <script nonce="${o.nonce}" id="initial-dot" type="application/json">${scriptJson(o.initialDot ?? null)}</script>
  <script nonce="${o.nonce}" src="${escapeHtml(o.graphvizScriptUri)}"></script>
  <script nonce="${o.nonce}" src="${escapeHtml(o.pageScriptUri)}"></script>
</body>
</html>
`;
}

export function makeNonce(random: () => number = Math.random): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 32; i++) s += chars.charAt(Math.floor(random() * chars.length));
  return s;
}
