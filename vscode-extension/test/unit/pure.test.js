'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { requireOut } = require('./helpers.js');
const { statusFor } = requireOut('status');
const { findSymbol, nodeNames } = requireOut('symbols');
const { explainText, firstLine } = requireOut('explain');
const { renderGraphPage, contentSecurityPolicy, LABEL_COLORS, makeNonce } = requireOut('graphPage');

test('status: counts only diagnostics whose source is blazes', () => {
  assert.equal(statusFor([]).text, '$(check) Blazes: coordination-free');
  assert.equal(statusFor([{ source: 'other', severity: 0 }]).text, '$(check) Blazes: coordination-free');
  const one = statusFor([{ source: 'blazes', severity: 1 }]);
  assert.equal(one.text, '$(warning) Blazes: 1 finding');
  const s = statusFor([
    { source: 'blazes', severity: 0 }, { source: 'blazes', severity: 1 }, { source: 'blazes', severity: 1 },
    { source: 'blazes', severity: 3 }, { source: 'go', severity: 0 },
  ]);
  assert.equal(s.text, '$(warning) Blazes: 4 findings');
  assert.equal(s.findings, 4);
  assert.match(s.tooltip, /1 error, 2 warnings, 1 hint/);
});

const R = (l, c, l2, c2) => ({ start: { line: l, character: c }, end: { line: l2, character: c2 } });

test('symbols: a node is found among document symbols, nested or not', () => {
  const doc = [
    { name: 'tweets', range: R(2, 0, 2, 40), selectionRange: R(2, 7, 2, 13) },
    { name: 'Count', range: R(10, 0, 12, 1), selectionRange: R(10, 10, 10, 15),
      children: [{ name: 'words', range: R(11, 2, 11, 7), selectionRange: R(11, 2, 11, 7) }] },
  ];
  assert.deepEqual(findSymbol(doc, 'Count'), { range: R(10, 10, 10, 15) });
  assert.deepEqual(findSymbol(doc, 'blazes:Count'), { range: R(10, 10, 10, 15) });
  assert.deepEqual(findSymbol(doc, 'Count.nothere'), { range: R(10, 10, 10, 15) });
  assert.deepEqual(findSymbol(doc, 'words'), { range: R(11, 2, 11, 7) });
  assert.equal(findSymbol(doc, 'Nope'), undefined);
  assert.equal(findSymbol(null, 'Count'), undefined);
  const ws = [{ name: 'Count', location: { uri: 'file:///a.blazes', range: R(1, 0, 1, 5) } }];
  assert.deepEqual(findSymbol(ws, 'Count'), { uri: 'file:///a.blazes', range: R(1, 0, 1, 5) });
  assert.deepEqual(nodeNames('blazes:A.b'), ['A.b', 'A']);
});

test('explain: strings, MarkupContent, hovers and nothing', () => {
  assert.equal(explainText('**Run** because'), '**Run** because');
  assert.equal(explainText({ kind: 'markdown', value: 'x' }), 'x');
  assert.equal(explainText({ contents: { kind: 'markdown', value: 'y' } }), 'y');
  assert.equal(explainText(['a', { value: 'b' }]), 'a\n\nb');
  assert.equal(explainText(null), undefined);
  assert.equal(explainText(''), undefined);
  assert.equal(firstLine('\n## `Count.counts` is **Run**\nmore'), 'Count.counts is Run');
});

test('graph page: CSP allows wasm and only nonce scripts; legend has every label colour', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9]{32}$/);
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', nonce);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`));
  assert.doesNotMatch(csp, /unsafe-eval'(?!)|'unsafe-inline'/);
  const html = renderGraphPage({ cspSource: 'https://x', nonce, graphvizScriptUri: 'gv.js', pageScriptUri: 'g.js', initialDot: 'digraph { a -> b } </script><b>' });
  for (const l of LABEL_COLORS) assert.ok(html.includes(`data-color="${l.color}"`), l.label);
  assert.deepEqual(LABEL_COLORS.map((l) => [l.label, l.color]), [
    ['Seal', '#2e7d32'], ['Async', '#1565c0'], ['Run', '#ef6c00'], ['Inst', '#c62828'], ['Diverge', '#6a1b9a'], ['unlabelled', '#9e9e9e'],
  ]);
  assert.ok(!html.includes('</script><b>'), 'DOT is escaped inside the page');
  assert.equal((html.match(new RegExp(`nonce="${nonce}"`, 'g')) || []).length, 4);
});
