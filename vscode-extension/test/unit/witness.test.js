'use strict';
// The pure part of "Show a witness": the arguments sent to the server and
// what the graph view highlights from its answer.
const test = require('node:test');
const assert = require('node:assert/strict');
const { requireOut } = require('./helpers.js');
const { WITNESS_COMMAND, witnessArguments, witnessResult, highlightOf } = requireOut('witness');

const URI = 'file:///w/wordcount.blazes';

// The shape of `blazes witness --format json` (one witness) and of the
// server's blazes.witness answer with {"format": "json"}.
const ENTRY = {
  code: 'BLZ001', component: 'Count', path: 'words -> counts', interface: 'Count.counts', kind: 'runs',
  inputs: { tweets: [{ batch: 0, tweet: 0 }] },
  runs: [
    { schedule: { seed: 0, replica: 1 }, outputs: { 'Count.counts': [{ word: 0, '@Count': 1 }] } },
    { schedule: { seed: 3, replica: 1 }, outputs: { 'Count.counts': [{ word: 0, '@Count': 2 }] } },
  ],
  differing: { components: ['Count'], interfaces: ['Count.counts'], streams: ['Count.counts -> Commit.counts'] },
};

test('witness: the code action\'s arguments ask for JSON and for nothing to be shown', () => {
  assert.equal(WITNESS_COMMAND, 'blazes.witness');
  assert.deepEqual(witnessArguments([URI, 'Count', 'words -> counts']),
    [URI, 'Count', 'words -> counts', { show: false, format: 'json' }]);
  // An options object already there is replaced, its other keys kept.
  assert.deepEqual(witnessArguments([URI, 'Count', 'words -> counts', { show: true, extra: 1 }]),
    [URI, 'Count', 'words -> counts', { show: false, extra: 1, format: 'json' }]);
});

test('witness: the highlight is the differing part the server named', () => {
  const h = highlightOf(ENTRY);
  assert.deepEqual(h.nodes, ['Count']);
  assert.deepEqual(h.edges, ['Count.counts -> Commit.counts']);
  assert.equal(h.label, 'Witness: where two runs differ (Count: words -> counts)');
  assert.match(highlightOf({ ...ENTRY, kind: 'replicas' }).label, /two replicas differ/);
  assert.match(highlightOf({ ...ENTRY, kind: 'routings' }).label, /two routings differ/);
  // Upstream components and streams come along, in the server's order;
  // anything that is not a name is dropped.
  const up = highlightOf({ ...ENTRY, differing: { components: ['First', 'Second', 7], streams: ['First.counts -> Second.counts', null] } });
  assert.deepEqual(up.nodes, ['First', 'Second']);
  assert.deepEqual(up.edges, ['First.counts -> Second.counts']);
  // Nothing to highlight: no differing part, or an empty one.
  assert.equal(highlightOf({ ...ENTRY, differing: undefined }), undefined);
  assert.equal(highlightOf({ ...ENTRY, differing: { components: [], streams: [] } }), undefined);
  assert.equal(highlightOf(null), undefined);
});

test('witness: the server\'s answer, JSON or the markdown of an older server', () => {
  const md = '**witness** `Count: words -> counts` (BLZ001)\n';
  const v = witnessResult({ witness: ENTRY, searched: 12, markdown: md });
  assert.equal(v.markdown, md);
  assert.equal(v.name, 'Count: words -> counts');
  assert.deepEqual(v.highlight.nodes, ['Count']);
  // No witness found: the markdown says so, nothing to highlight.
  const none = witnessResult({ witness: null, searched: 1600, markdown: 'No witness found in the search budget' });
  assert.equal(none.highlight, undefined);
  assert.equal(none.name, undefined);
  assert.match(none.markdown, /No witness/);
  assert.deepEqual(witnessResult(md), { markdown: md });
  assert.equal(witnessResult(''), undefined);
  assert.equal(witnessResult(null), undefined);
  assert.equal(witnessResult({ witness: ENTRY }), undefined);
});
