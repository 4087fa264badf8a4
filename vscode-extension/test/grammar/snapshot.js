'use strict';
// Grammar snapshot tests: tokenize .blazes files with the extension's
// TextMate grammar (vscode-textmate + vscode-oniguruma, the same engine VS
// Code uses) and compare with committed snapshots.
//
// Inputs: the repository's testdata/**/*.blazes and this package's
// test/fixtures/**/*.blazes. Snapshots live under test/grammar/snapshots/
// (never next to the inputs, which belong to other parts of the repo).
// `node test/grammar/snapshot.js --update` rewrites them all.
const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');
const crypto = require('node:crypto');

const EXT_DIR = path.resolve(__dirname, '..', '..');
const REPO_DIR = path.resolve(EXT_DIR, '..');
const GRAMMAR_PATH = path.join(EXT_DIR, 'syntaxes', 'blazes.tmLanguage.json');
const SNAPSHOT_DIR = path.join(__dirname, 'snapshots');

const ROOTS = [
  { name: 'testdata', dir: path.join(REPO_DIR, 'testdata') },
  { name: 'fixtures', dir: path.join(EXT_DIR, 'test', 'fixtures') },
];

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (entry.isFile() && entry.name.endsWith('.blazes')) out.push(p);
  }
  return out.sort();
}

/** Every input file: {root, file (absolute), rel (root-relative, posix), snapshot}. */
function inputs() {
  const list = [];
  for (const root of ROOTS) {
    for (const file of walk(root.dir)) {
      const rel = path.relative(root.dir, file).split(path.sep).join('/');
      list.push({
        root: root.name,
        file,
        rel,
        id: `${root.name}/${rel}`,
        snapshot: path.join(SNAPSHOT_DIR, root.name, rel + '.snap'),
      });
    }
  }
  return list;
}

let grammarPromise;
function loadGrammar() {
  if (!grammarPromise) {
    grammarPromise = (async () => {
      const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
      await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
      const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
          createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
          createOnigString: (s) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async (scopeName) => {
          if (scopeName !== 'source.blazes') return null;
          return vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
        },
      });
      return registry.loadGrammar('source.blazes');
    })();
  }
  return grammarPromise;
}

/** Tokenize text: an array of lines, each {text, tokens: [{start, end, text, scopes}]}. */
async function tokenize(text) {
  const grammar = await loadGrammar();
  let state = vsctm.INITIAL;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, state, 5000);
    if (r.stoppedEarly) throw new Error(`tokenizing stopped early on line: ${line}`);
    state = r.ruleStack;
    const tokens = r.tokens.map((t, i) => {
      const end = i + 1 < r.tokens.length ? r.tokens[i + 1].startIndex : line.length;
      return { start: t.startIndex, end, text: line.slice(t.startIndex, end), scopes: t.scopes };
    });
    return { text: line, tokens };
  });
}

/** The snapshot text, in the format of vscode-tmgrammar-snap: each source
 *  line prefixed by '>', then one line per non-blank token with carets
 *  under it and its scopes (the root scope left out). */
function render(lines) {
  const out = [];
  for (const { text, tokens } of lines) {
    out.push('>' + text);
    for (const t of tokens) {
      if (t.text.trim() === '') continue;
      const scopes = t.scopes.filter((s) => s !== 'source.blazes');
      out.push('#' + ' '.repeat(t.start) + '^'.repeat(t.end - t.start) + ' ' + (scopes.join(' ') || 'source.blazes'));
    }
  }
  return out.join('\n') + '\n';
}

/** Each snapshot starts with the hash of its input, so that an input edited
 *  after its snapshot was taken (test data belongs to others) is told apart
 *  from a grammar change: the first is skipped, the second fails. */
function sourceHash(text) {
  return crypto.createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

function headerOf(text) {
  return `# source sha256 ${sourceHash(text)}\n`;
}

/** {hash, body} of a snapshot file's text. */
function parseSnapshot(snap) {
  const m = /^# source sha256 ([0-9a-f]{64})\n/.exec(snap);
  return m ? { hash: m[1], body: snap.slice(m[0].length) } : { hash: undefined, body: snap };
}

async function snapshotOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  return headerOf(text) + render(await tokenize(text));
}

async function update() {
  let n = 0;
  for (const input of inputs()) {
    fs.mkdirSync(path.dirname(input.snapshot), { recursive: true });
    fs.writeFileSync(input.snapshot, await snapshotOf(input.file));
    n++;
  }
  console.log(`wrote ${n} grammar snapshot(s) under ${path.relative(process.cwd(), SNAPSHOT_DIR)}`);
}

module.exports = { inputs, tokenize, render, snapshotOf, sourceHash, parseSnapshot, SNAPSHOT_DIR, GRAMMAR_PATH };

if (require.main === module) {
  if (process.argv.includes('--update')) {
    update().catch((e) => { console.error(e); process.exit(1); });
  } else {
    console.error('usage: node test/grammar/snapshot.js --update');
    process.exit(2);
  }
}
