'use strict';
// The graph webview's page in headless Chromium: the same HTML the extension
// gives the webview (graphPage.ts), served from 127.0.0.1 with a fixed DOT
// and the bundled wasm-graphviz. Needs `npm run build` and /usr/bin/chromium
// (scripts/test-extension.sh installs it).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const EXT = path.resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DOT = fs.readFileSync(path.join(__dirname, 'wordcount.dot'), 'utf8');
const OUTPUT = path.join(EXT, 'test', 'output');

const EXPECTED = {
  tweets: '#1565c0', Splitter: '#1565c0', Count: '#ef6c00', Commit: '#ef6c00',
  Audit: '#9e9e9e', Sealer: '#2e7d32', Replica: '#c62828', Store: '#6a1b9a',
};

function serve(routes) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const pathname = new URL(req.url, 'http://x').pathname;
      if (pathname === '/favicon.ico') { res.writeHead(204); res.end(); return; }
      const route = routes[pathname];
      if (!route) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' });
      res.end(route.body());
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// openGraphPage serves the webview's page with dot and opens it in headless
// Chromium; it returns the page once the graph is rendered (or failed).
async function openGraphPage(t, dot, title) {
  assert.ok(
    fs.existsSync(CHROMIUM),
    `${CHROMIUM} is missing: install it with \`apt-get update && apt-get install -y chromium\` (scripts/test-extension.sh does) or set CHROMIUM_PATH`,
  );
  const webview = path.join(EXT, 'dist', 'webview');
  assert.ok(fs.existsSync(path.join(webview, 'graphviz.js')), 'dist/webview/graphviz.js is missing: run `npm run build` first');
  const { renderGraphPage, makeNonce } = require(path.join(EXT, 'out', 'graphPage.js'));
  const { chromium } = require('playwright-core');

  let origin;
  const server = await serve({
    '/': {
      type: 'text/html; charset=utf-8',
      body: () => renderGraphPage({
        cspSource: origin, nonce: makeNonce(), graphvizScriptUri: `${origin}/graphviz.js`,
        pageScriptUri: `${origin}/graph.js`, initialDot: dot, title,
      }),
    },
    '/graphviz.js': { type: 'text/javascript', body: () => fs.readFileSync(path.join(webview, 'graphviz.js')) },
    '/graph.js': { type: 'text/javascript', body: () => fs.readFileSync(path.join(webview, 'graph.js')) },
  });
  origin = `http://127.0.0.1:${server.address().port}`;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'blazes-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1100, height: 700 },
  });
  t.after(async () => {
    await context.close().catch(() => undefined);
    server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  });
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(origin + '/');
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 60000 });
  const state = await page.evaluate(() => ({ state: document.body.dataset.state, error: document.getElementById('error').textContent }));
  assert.equal(state.state, 'rendered', `the page did not render: ${state.error} ${problems.join('; ')}`);
  assert.deepEqual(problems, [], 'no errors (CSP violations included) in the page');
  return page;
}

// nodesOf lists the rendered nodes with their link and colours.
function nodesOf(page) {
  return page.evaluate(() => [...document.querySelectorAll('#graph svg g.node')].map((g) => ({
    id: g.id,
    title: g.querySelector('title')?.textContent,
    href: g.querySelector('a')?.getAttribute('xlink:href') || g.querySelector('a')?.getAttribute('href'),
    colors: [...g.querySelectorAll('polygon, ellipse, path')].flatMap((s) => [s.getAttribute('fill'), s.getAttribute('stroke')]).filter(Boolean).map((c) => c.toLowerCase()),
  })));
}

test('graph page renders the DOT in headless Chromium with label colours', { timeout: 120000 }, async (t) => {
  const page = await openGraphPage(t, DOT, 'wordcount.blazes');

  // Every node of the DOT is in the SVG, with its label colour.
  const nodes = await nodesOf(page);
  for (const [name, color] of Object.entries(EXPECTED)) {
    const n = nodes.find((x) => x.id === name);
    assert.ok(n, `node ${name} is in the SVG (found: ${nodes.map((x) => x.id).join(', ')})`);
    assert.equal(n.href, `blazes:${name}`);
    assert.ok(n.colors.includes(color), `node ${name} is drawn in ${color}: ${n.colors}`);
  }
  assert.equal(nodes.length, Object.keys(EXPECTED).length);
  const edgeColors = await page.evaluate(() => [...document.querySelectorAll('#graph svg g.edge path')].map((p) => p.getAttribute('stroke').toLowerCase()));
  for (const c of ['#1565c0', '#ef6c00', '#2e7d32', '#c62828', '#6a1b9a']) assert.ok(edgeColors.includes(c), `an edge is drawn in ${c}`);

  // The legend shows the six label colours.
  const legend = await page.evaluate(() => [...document.querySelectorAll('#legend li[data-label]')].map((li) => ({
    label: li.dataset.label, text: li.textContent.trim(),
    color: getComputedStyle(li.querySelector('.swatch')).backgroundColor,
  })));
  assert.deepEqual(legend.map((l) => [l.label, l.color]), [
    ['Seal', 'rgb(46, 125, 50)'], ['Async', 'rgb(21, 101, 192)'], ['Run', 'rgb(239, 108, 0)'],
    ['Inst', 'rgb(198, 40, 40)'], ['Diverge', 'rgb(106, 27, 154)'], ['unlabelled', 'rgb(158, 158, 158)'],
  ]);
  // The witness entry shows only with a witness's highlight.
  assert.equal(await page.evaluate(() => document.getElementById('legend-witness').offsetParent), null);

  // Clicking a node posts {type: 'reveal', name} (recorded outside VS Code).
  await page.click('#graph svg g.node#Count');
  const messages = await page.evaluate(() => window.__blazesMessages);
  assert.deepEqual(messages.filter((m) => m.type === 'reveal'), [{ type: 'reveal', name: 'Count' }]);
  assert.equal(new URL(page.url()).pathname, '/', 'the click did not navigate away');

  // A new DOT posted as the extension does replaces the graph.
  await page.evaluate(() => window.postMessage({ type: 'dot', dot: 'digraph { Only [id="Only", color="#2e7d32"] }' }, '*'));
  await page.waitForFunction(() => document.querySelector('#graph svg g.node#Only'));
  await page.evaluate((dot) => window.postMessage({ type: 'dot', dot }, '*'), DOT);
  await page.waitForFunction(() => document.querySelector('#graph svg g.node#Count'));

  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'graph.png'), fullPage: true });
  t.diagnostic(`screenshot: ${path.relative(process.cwd(), path.join(OUTPUT, 'graph.png'))}`);
});

// A witness's differing part, highlighted: the nodes and edges the server
// named (by their ids in the DOT) carry the class "witness" and are drawn in
// the witness colour; the legend gains an entry; the rest is untouched; a
// new DOT keeps the highlight, and clearing it removes it.
test('graph page highlights a witness\'s differing path', { timeout: 120000 }, async (t) => {
  const { WITNESS_COLOR } = require(path.join(EXT, 'out', 'graphPage.js'));
  const { highlightOf } = require(path.join(EXT, 'out', 'witness.js'));
  const page = await openGraphPage(t, DOT, 'wordcount.blazes');
  const h = highlightOf({
    code: 'BLZ001', component: 'Count', path: 'words -> counts', kind: 'runs',
    differing: { components: ['Splitter', 'Count'], streams: ['Splitter.words -> Count.words', 'Count.counts -> Commit.counts'] },
  });
  assert.ok(h);
  const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
  const witnessed = () => page.evaluate(() => ({
    nodes: [...document.querySelectorAll('#graph svg g.node')].map((g) => ({
      id: g.id, witness: g.classList.contains('witness'),
      stroke: getComputedStyle(g.querySelector('polygon, ellipse, path')).stroke,
      fill: getComputedStyle(g.querySelector('polygon, ellipse, path')).fill,
    })),
    edges: [...document.querySelectorAll('#graph svg g.edge')].map((g) => ({
      id: g.id, witness: g.classList.contains('witness'),
      stroke: getComputedStyle(g.querySelector('path')).stroke,
      width: getComputedStyle(g.querySelector('path')).strokeWidth,
    })),
    legend: (() => {
      const li = document.getElementById('legend-witness');
      return { hidden: li.hidden, visible: li.offsetParent !== null, text: li.textContent.trim(), border: getComputedStyle(li.querySelector('.swatch')).borderTopColor };
    })(),
    count: document.body.dataset.witness,
  }));

  // Before: nothing highlighted, no legend entry.
  let w = await witnessed();
  assert.equal(w.nodes.filter((n) => n.witness).length + w.edges.filter((e) => e.witness).length, 0);
  assert.equal(w.legend.visible, false);

  // The edges of the test's DOT have no ids; give them the server's
  // (From.iface -> To.iface), as blazes.graph does.
  const dot = DOT.replace('Splitter -> Count    [', 'Splitter -> Count    [id="Splitter.words -> Count.words", ')
    .replace('Count -> Commit      [', 'Count -> Commit      [id="Count.counts -> Commit.counts", ');
  await page.evaluate((d) => window.postMessage({ type: 'dot', dot: d }, '*'), dot);
  await page.waitForFunction(() => document.querySelector('#graph svg g.edge[id="Count.counts -> Commit.counts"]'));
  await page.evaluate((m) => window.postMessage({ type: 'highlight', ...m }, '*'), h);
  await page.waitForFunction(() => document.body.dataset.witness === '4');
  w = await witnessed();
  const want = rgb(WITNESS_COLOR);
  for (const n of w.nodes) {
    const on = n.id === 'Splitter' || n.id === 'Count';
    assert.equal(n.witness, on, `node ${n.id} highlighted: ${n.witness}`);
    if (on) assert.equal(n.stroke, want, `node ${n.id} is outlined in the witness colour`);
    else assert.notEqual(n.stroke, want, `node ${n.id} keeps its colour`);
    assert.notEqual(n.fill, want, `node ${n.id} keeps its label fill`);
  }
  const count = w.nodes.find((n) => n.id === 'Count');
  assert.equal(count.fill, rgb(EXPECTED.Count), 'Count keeps its label colour inside the outline');
  for (const e of w.edges) {
    const on = e.id === 'Splitter.words -> Count.words' || e.id === 'Count.counts -> Commit.counts';
    assert.equal(e.witness, on, `edge ${e.id || '(no id)'} highlighted: ${e.witness}`);
    if (on) {
      assert.equal(e.stroke, want, `edge ${e.id} is drawn in the witness colour`);
      assert.equal(e.width, '4px');
    } else assert.notEqual(e.stroke, want);
  }
  assert.equal(w.edges.filter((e) => e.witness).length, 2);
  assert.deepEqual(w.legend, { hidden: false, visible: true, text: 'Witness: where two runs differ (Count: words -> counts)', border: want });

  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'graph-witness.png'), fullPage: true });

  // The graph re-rendered (the document was saved, the server restarted):
  // the highlight stays.
  await page.evaluate(() => { document.body.dataset.witness = ''; });
  await page.evaluate((d) => window.postMessage({ type: 'dot', dot: d }, '*'), dot);
  await page.waitForFunction(() => document.body.dataset.witness === '4');

  // Cleared (the document was edited): no highlight, no legend entry.
  await page.evaluate(() => window.postMessage({ type: 'highlight' }, '*'));
  await page.waitForFunction(() => document.body.dataset.witness === '0');
  w = await witnessed();
  assert.equal(w.nodes.filter((n) => n.witness).length + w.edges.filter((e) => e.witness).length, 0);
  assert.equal(w.legend.visible, false);
  assert.notEqual(w.nodes.find((n) => n.id === 'Count').stroke, want);
});

// The picture of a real dataflow: the DOT of `blazes graph` (the same text
// the server's blazes.graph command returns) for the paper's POOR query.
test('graph page renders the DOT of the real binary', { timeout: 180000 }, async (t) => {
  const { execFileSync } = require('node:child_process');
  const repo = path.resolve(EXT, '..');
  let bin = process.env.BLAZES_BIN;
  if (!bin) {
    bin = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'blazes-bin-')), 'blazes');
    execFileSync('go', ['build', '-o', bin, './cmd/blazes'], { cwd: repo, stdio: 'inherit' });
  }
  const dot = execFileSync(bin, ['graph', 'testdata/paper/adtrack/poor.blazes'], { cwd: repo, encoding: 'utf8' });
  // The node colours the server chose, by node id.
  const want = {};
  for (const m of dot.matchAll(/^\s+"([^"]+)" \[id="[^"]+".*?fillcolor="(#[0-9a-f]{6})"/gm)) want[m[1]] = m[2];
  assert.deepEqual(Object.keys(want).sort(), ['Cache', 'Report', 'analysts', 'clicks', 'requests']);
  const page = await openGraphPage(t, dot, 'poor.blazes');
  const nodes = await nodesOf(page);
  for (const [name, color] of Object.entries(want)) {
    const n = nodes.find((x) => x.id === name);
    assert.ok(n, `node ${name} is in the SVG`);
    assert.ok(n.colors.includes(color), `node ${name} is drawn in ${color}: ${n.colors}`);
  }
  assert.equal(want.Report, '#c62828', 'Report is Inst');
  assert.equal(want.Cache, '#6a1b9a', 'Cache is Diverge');
  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, 'graph-poor.png'), fullPage: true });

  // The word count's witness, as the binary finds it, highlights in the
  // binary's own graph: the names the server gives match the DOT's ids.
  const { highlightOf } = require(path.join(EXT, 'out', 'witness.js'));
  const { WITNESS_COLOR } = require(path.join(EXT, 'out', 'graphPage.js'));
  const wc = 'testdata/paper/wordcount.blazes';
  let json;
  try {
    execFileSync(bin, ['witness', '--format', 'json', wc], { cwd: repo, encoding: 'utf8' });
  } catch (e) {
    json = e.stdout; // exit status 1: a witness was found
  }
  const entry = JSON.parse(json).witnesses[0];
  const h = highlightOf(entry);
  assert.deepEqual(h.nodes, ['Count']);
  assert.deepEqual(h.edges, ['Count.counts -> Commit.counts']);
  const wcDot = execFileSync(bin, ['graph', wc], { cwd: repo, encoding: 'utf8' });
  await page.evaluate((d) => window.postMessage({ type: 'dot', dot: d, title: 'wordcount.blazes' }, '*'), wcDot);
  await page.waitForFunction(() => document.querySelector('#graph svg g.node#Splitter'));
  await page.evaluate((m) => window.postMessage({ type: 'highlight', ...m }, '*'), h);
  await page.waitForFunction(() => document.body.dataset.witness === '2');
  const lit = await page.evaluate(() => [...document.querySelectorAll('#graph svg g.witness')].map((g) => ({
    id: g.id, kind: g.getAttribute('class').split(' ')[0], stroke: getComputedStyle(g.querySelector('path, polygon')).stroke,
  })));
  const rgb = [1, 3, 5].map((i) => parseInt(WITNESS_COLOR.slice(i, i + 2), 16)).join(', ');
  assert.deepEqual(lit, [
    { id: 'Count', kind: 'node', stroke: `rgb(${rgb})` },
    { id: 'Count.counts -> Commit.counts', kind: 'edge', stroke: `rgb(${rgb})` },
  ]);
  await page.screenshot({ path: path.join(OUTPUT, 'graph-wordcount-witness.png'), fullPage: true });
});
