'use strict';
// The .vsix that `npm run package` writes (vscode-extension/blazes.vsix):
// lists its entries (it is a zip) and checks that the grammar, the language
// configuration, the snippets, the bundled client and the webview scripts
// are inside, and that the packaged manifest points at files that are there.
// Packages first when there is no .vsix yet.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { execFileSync } = require('node:child_process');

const EXT = path.resolve(__dirname, '..', '..');
const VSIX = path.join(EXT, 'blazes.vsix');

/** Entries of a zip file from its central directory: name -> {method, compressedSize, offset}. */
function readZip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const offset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.set(name, { method, compressedSize, offset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function readEntry(buf, e) {
  const nameLen = buf.readUInt16LE(e.offset + 26);
  const extraLen = buf.readUInt16LE(e.offset + 28);
  const start = e.offset + 30 + nameLen + extraLen;
  const data = buf.subarray(start, start + e.compressedSize);
  return e.method === 0 ? data : zlib.inflateRawSync(data);
}

test('vsix: holds the grammar, language configuration, snippets and compiled client', { timeout: 300000 }, (t) => {
  if (!fs.existsSync(VSIX)) {
    t.diagnostic('no blazes.vsix yet: running `npm run package`');
    execFileSync('npm', ['run', 'package'], { cwd: EXT, stdio: 'inherit' });
  }
  const buf = fs.readFileSync(VSIX);
  const entries = readZip(buf);
  const names = [...entries.keys()].sort();
  t.diagnostic(`${path.basename(VSIX)}: ${names.length} entries: ${names.join(', ')}`);
  for (const required of [
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/readme.md',
    'extension/LICENSE.txt',
    'extension/syntaxes/blazes.tmLanguage.json',
    'extension/language-configuration.json',
    'extension/snippets/blazes.json',
    'extension/dist/extension.js',
    'extension/dist/webview/graphviz.js',
    'extension/dist/webview/graph.js',
  ]) {
    assert.ok(entries.has(required), `${required} is in the .vsix (it has: ${names.join(', ')})`);
  }
  for (const n of names) {
    assert.ok(!/^extension\/(src|test|node_modules|out|scripts|media)\//.test(n), `${n} should not be packaged`);
    assert.ok(!n.endsWith('.map'), `${n}: no source maps in the package`);
  }

  const manifest = JSON.parse(readEntry(buf, entries.get('extension/package.json')).toString('utf8'));
  const inside = (rel) => entries.has('extension/' + path.posix.normalize(rel));
  assert.ok(inside(manifest.main), `main ${manifest.main} is packaged`);
  for (const l of manifest.contributes.languages) assert.ok(inside(l.configuration), l.configuration);
  for (const g of manifest.contributes.grammars) assert.ok(inside(g.path), g.path);
  for (const s of manifest.contributes.snippets) assert.ok(inside(s.path), s.path);
  assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(),
    ['blazes.explainLabel', 'blazes.importTopologyFile', 'blazes.restartServer', 'blazes.showGraph', 'blazes.showLog']);

  // The client is bundled: it needs nothing but `vscode` and Node's own modules.
  const main = readEntry(buf, entries.get('extension/dist/extension.js')).toString('utf8');
  const requires = new Set([...main.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]));
  const builtins = new Set(require('node:module').builtinModules);
  const foreign = [...requires].filter((r) => r !== 'vscode' && !builtins.has(r.replace(/^node:/, '')));
  assert.deepEqual(foreign, [], 'dist/extension.js requires no packages that are not bundled');
  const grammar = JSON.parse(readEntry(buf, entries.get('extension/syntaxes/blazes.tmLanguage.json')).toString('utf8'));
  assert.equal(grammar.scopeName, 'source.blazes');
});
