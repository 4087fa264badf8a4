'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { inputs, tokenize, snapshotOf, sourceHash, parseSnapshot } = require('./snapshot.js');

const KEYWORDS = ['dataflow', 'import', 'source', 'sink', 'component', 'in', 'out', 'stream', 'seal', 'rep', 'order', 'CR', 'CW', 'OR', 'OW'];

/** Scopes of the first token whose text is `text` (after skipping `nth` matches). */
async function scopesOf(source, text, nth = 0) {
  for (const line of await tokenize(source)) {
    for (const t of line.tokens) {
      if (t.text === text && nth-- === 0) return t.scopes;
    }
  }
  throw new Error(`no token ${JSON.stringify(text)} in ${JSON.stringify(source)}`);
}

function has(scopes, prefix) {
  return scopes.some((s) => s === prefix || s.startsWith(prefix + '.'));
}

test('grammar: keywords, annotations, gates, seals, comments, strings, operators', async () => {
  assert.ok(has(await scopesOf('dataflow wc', 'dataflow'), 'keyword.other.dataflow'));
  assert.ok(has(await scopesOf('dataflow wc', 'wc'), 'entity.name.namespace'));
  assert.ok(has(await scopesOf('import "a.blazes"', 'import'), 'keyword.control.import'));
  assert.ok(has(await scopesOf('import "a.blazes"', 'a.blazes'), 'string.quoted.double'));
  assert.ok(has(await scopesOf('component Count {', 'component'), 'storage.type.component'));
  assert.ok(has(await scopesOf('component Count {', 'Count'), 'entity.name.type.component'));
  assert.ok(has(await scopesOf('source tweets(tweet, batch) seal(batch)', 'source'), 'storage.type.source'));
  assert.ok(has(await scopesOf('sink db', 'sink'), 'storage.type.sink'));
  const seal = 'source tweets(tweet, batch) seal(batch)';
  assert.ok(has(await scopesOf(seal, 'seal'), 'keyword.other.seal'));
  assert.ok(has(await scopesOf(seal, 'batch', 1), 'meta.seal'));
  assert.ok(has(await scopesOf(seal, 'batch', 1), 'variable.other.attribute'));
  assert.ok(has(await scopesOf('seal(a,b)', 'b'), 'variable.other.attribute'));
  assert.ok(has(await scopesOf('seal()', ')'), 'punctuation.section.parens.end'));
  const body = 'component C {\n  in x(a)\n  out y\n  x -> y : OW[a, b]\n  x -> z : CR\n}';
  assert.ok(has(await scopesOf(body, 'in'), 'storage.modifier.in'));
  assert.ok(has(await scopesOf(body, 'out'), 'storage.modifier.out'));
  assert.ok(has(await scopesOf(body, 'OW'), 'keyword.control.annotation.order-sensitive'));
  assert.ok(has(await scopesOf(body, 'CR'), 'constant.language.annotation.confluent'));
  assert.ok(has(await scopesOf(body, 'b'), 'meta.gate'));
  assert.ok(has(await scopesOf(body, 'b'), 'variable.other.attribute'));
  assert.ok(has(await scopesOf(body, '['), 'punctuation.section.brackets.begin'));
  assert.ok(has(await scopesOf(body, '->'), 'keyword.operator.arrow'));
  assert.ok(has(await scopesOf(body, ':'), 'punctuation.separator.annotation'));
  assert.ok(has(await scopesOf('x -> y : CW', 'CW'), 'constant.language.annotation.confluent'));
  assert.ok(has(await scopesOf('x -> y : OR', 'OR'), 'keyword.control.annotation.order-sensitive'));
  const stream = 'stream Count.counts -> Commit.counts rep order';
  assert.ok(has(await scopesOf(stream, 'stream'), 'storage.type.stream'));
  assert.ok(has(await scopesOf(stream, 'Count'), 'entity.name.type.component'));
  assert.ok(has(await scopesOf(stream, '.'), 'punctuation.accessor'));
  assert.ok(has(await scopesOf(stream, 'rep'), 'keyword.other.rep'));
  assert.ok(has(await scopesOf(stream, 'order'), 'keyword.other.order'));
  // Comments hide keywords, also across lines.
  assert.ok(has(await scopesOf('// component x', ' component x'), 'comment.line.double-slash'));
  const block = '/* seal\n   component */ sink s';
  assert.ok(has(await scopesOf(block, '   component '), 'comment.block'));
  assert.ok(has(await scopesOf(block, 'sink'), 'storage.type.sink'));
  // Identifiers that merely contain keywords are not keywords.
  assert.ok(!has(await scopesOf('x -> ORDERS : CR', 'ORDERS'), 'keyword'));
  assert.ok(!has(await scopesOf('component sealer {', 'sealer'), 'keyword'));
});

test('grammar: contract v2 words, and the contextual words as names', async () => {
  const gate = 'component C {\n  x -> y : OW[user, window(ts)]\n  x -> z : CW[window]\n}';
  assert.ok(has(await scopesOf(gate, 'window'), 'keyword.other.window'));
  assert.ok(has(await scopesOf(gate, 'ts'), 'variable.other.attribute'));
  assert.ok(has(await scopesOf(gate, 'window', 1), 'variable.other.attribute'));
  assert.ok(!has(await scopesOf(gate, 'window', 1), 'keyword'));
  assert.ok(has(await scopesOf(gate, 'CW'), 'constant.language.annotation.confluent'));
  const stream = 'stream a -> B.x watermark(ts) partition(user) order(user) shuffle';
  assert.ok(has(await scopesOf(stream, 'watermark'), 'keyword.other.watermark'));
  assert.ok(has(await scopesOf(stream, 'partition'), 'keyword.other.partition'));
  assert.ok(has(await scopesOf(stream, 'order'), 'keyword.other.order'));
  assert.ok(has(await scopesOf(stream, 'shuffle'), 'keyword.other.shuffle'));
  assert.ok(has(await scopesOf(stream, 'user'), 'variable.other.attribute'));
  assert.ok(has(await scopesOf(stream, 'user', 1), 'variable.other.attribute'));
  // The same words as names.
  assert.ok(!has(await scopesOf('component shuffle {', 'shuffle'), 'keyword'));
  assert.ok(!has(await scopesOf('source watermark(a)', 'watermark'), 'keyword'));
  assert.ok(!has(await scopesOf('component C {\n  in partition(a)\n}', 'partition'), 'keyword'));
  assert.ok(!has(await scopesOf('component C {\n  shuffle -> out : CR\n}', 'shuffle'), 'keyword'));
  assert.ok(!has(await scopesOf('component C {\n  x -> shuffle : CR\n}', 'shuffle'), 'keyword'));
  assert.ok(!has(await scopesOf('stream a -> shuffle', 'shuffle'), 'keyword'));
  assert.ok(!has(await scopesOf('stream shuffle.x -> b', 'shuffle'), 'keyword'));
  assert.ok(!has(await scopesOf('stream a -> B.x seal(window, shuffle)', 'shuffle'), 'keyword'));
});

const all = inputs();

test('grammar snapshot inputs exist', () => {
  assert.ok(all.some((i) => i.root === 'fixtures'), 'no fixtures under vscode-extension/test/fixtures');
});

for (const input of all) {
  test(`grammar snapshot: ${input.id}`, async (t) => {
    const text = fs.readFileSync(input.file, 'utf8');
    const lines = await tokenize(text);
    // Invariants that hold for any file, snapshot or not.
    for (const [n, line] of lines.entries()) {
      for (const tok of line.tokens) {
        assert.ok(!tok.scopes.some((s) => s.startsWith('invalid')), `${input.id}:${n + 1}: invalid scope on ${JSON.stringify(tok.text)}`);
        const inText = tok.scopes.some((s) => s.startsWith('comment') || s.startsWith('string'));
        if (!inText && KEYWORDS.includes(tok.text.trim()) && tok.text.trim() === tok.text) {
          assert.ok(!tok.scopes.includes('variable.other.blazes'), `${input.id}:${n + 1}: keyword ${tok.text} scoped as an identifier`);
        }
      }
    }
    // A missing or stale snapshot fails: a snapshot test that skips what it
    // has not seen would pass whatever the grammar does to a new file.
    if (!fs.existsSync(input.snapshot)) {
      assert.fail(`no snapshot committed for ${input.id}: run \`npm run update-snapshots\` and commit ${path.relative(path.resolve(__dirname, '..', '..', '..'), input.snapshot)}`);
    }
    const expected = parseSnapshot(fs.readFileSync(input.snapshot, 'utf8'));
    if (expected.hash !== sourceHash(text)) {
      assert.fail(`${input.id} changed since its snapshot was taken: run \`npm run update-snapshots\` and review the diff`);
    }
    const actual = parseSnapshot(await snapshotOf(input.file));
    assert.equal(actual.body, expected.body, `the grammar tokenizes ${input.id} differently from its snapshot; if the grammar change is intended, run \`npm run update-snapshots\``);
  });
}
