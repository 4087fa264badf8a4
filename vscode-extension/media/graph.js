// The graph page's script (runs in the webview, or in a browser for the
// test). Renders DOT with wasm-graphviz; clicking a node posts
// {type: 'reveal', name} to the extension. No analysis here: colours,
// labels and node names all come from the server's DOT, and a witness's
// highlight ({type: 'highlight', nodes, edges, label}) names the nodes and
// edges the server said the two executions differ on.
(function () {
  'use strict';
  const api =
    typeof acquireVsCodeApi === 'function'
      ? acquireVsCodeApi()
      : {
          // Outside VS Code (the browser test) messages are recorded.
          postMessage(m) { (window.__blazesMessages = window.__blazesMessages || []).push(m); },
          getState() { return undefined; },
          setState() {},
        };
  const graphEl = document.getElementById('graph');
  const statusEl = document.getElementById('status');
  const titleEl = document.getElementById('title');
  const errorEl = document.getElementById('error');
  const witnessEl = document.getElementById('legend-witness');
  let graphviz;
  let renderSeq = 0;
  let highlight = null;

  function loadGraphviz() {
    if (!graphviz) graphviz = globalThis.BlazesGraphviz.load();
    return graphviz;
  }

  function showError(message) {
    errorEl.hidden = false;
    errorEl.textContent = message;
    statusEl.textContent = 'error';
    document.body.dataset.state = 'error';
  }

  function nodeName(g) {
    const a = g.querySelector('a');
    const href = a && (a.getAttribute('xlink:href') || a.getAttribute('href'));
    if (href && href.startsWith('blazes:')) return decodeURIComponent(href.slice('blazes:'.length));
    if (g.id) return g.id;
    const t = g.querySelector('title');
    return t ? t.textContent : '';
  }

  function wire(svg) {
    for (const g of svg.querySelectorAll('g.node')) {
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      g.setAttribute('aria-label', 'Go to ' + nodeName(g));
    }
  }

  function reveal(target, ev) {
    const g = target && target.closest ? target.closest('g.node') : null;
    if (!g) return;
    if (ev) ev.preventDefault();
    api.postMessage({ type: 'reveal', name: nodeName(g) });
  }

  // applyHighlight marks the highlighted nodes and edges with the class
  // "witness" (drawn in the witness colour) and shows the legend's entry.
  function applyHighlight() {
    for (const g of graphEl.querySelectorAll('g.witness')) g.classList.remove('witness');
    const nodes = new Set(highlight ? highlight.nodes : []);
    const edges = new Set(highlight ? highlight.edges : []);
    let n = 0;
    for (const g of graphEl.querySelectorAll('svg g.node')) {
      if (nodes.has(g.id) || nodes.has(nodeName(g))) { g.classList.add('witness'); n++; }
    }
    for (const g of graphEl.querySelectorAll('svg g.edge')) {
      if (edges.has(g.id)) { g.classList.add('witness'); n++; }
    }
    witnessEl.hidden = !highlight;
    witnessEl.querySelector('.text').textContent = highlight ? highlight.label : 'Witness';
    document.body.dataset.witness = String(n);
  }

  graphEl.addEventListener('click', (ev) => reveal(ev.target, ev));
  graphEl.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') reveal(ev.target, ev);
  });

  async function render(dot, title) {
    const seq = ++renderSeq;
    if (title) titleEl.textContent = title;
    statusEl.textContent = 'rendering…';
    try {
      const gv = await loadGraphviz();
      const text = gv.layout(dot, 'svg', 'dot');
      if (seq !== renderSeq) return; // a newer DOT arrived meanwhile
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const svg = doc.documentElement;
      if (!svg || svg.nodeName !== 'svg') throw new Error('Graphviz produced no SVG');
      graphEl.replaceChildren(document.importNode(svg, true));
      wire(graphEl.firstElementChild);
      applyHighlight();
      errorEl.hidden = true;
      errorEl.textContent = '';
      statusEl.textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.dataset.state = 'rendered';
    } catch (e) {
      if (seq === renderSeq) showError('Could not render the graph: ' + (e && e.message ? e.message : String(e)));
    }
  }

  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'dot' && typeof m.dot === 'string') render(m.dot, m.title);
    else if (m.type === 'error') showError(String(m.message));
    else if (m.type === 'highlight') {
      const list = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
      highlight = m.nodes || m.edges ? { nodes: list(m.nodes), edges: list(m.edges), label: String(m.label || 'Witness') } : null;
      applyHighlight();
    }
  });

  const initial = JSON.parse(document.getElementById('initial-dot').textContent || 'null');
  if (typeof initial === 'string') render(initial);
  api.postMessage({ type: 'ready' });
})();
