'use strict';
// "Blazes: Import Topology…": the formats offered and the server's answer.
// (The command's round trip through the real server is in test/e2e.)
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { requireOut } = require('./helpers.js');
const { SERVER_COMMAND, IMPORT_FORMATS, formatForPath, formatChoices, openDialogFilters, importResult } = requireOut('importTopology');

test('import: the format follows the extension as the server guesses it', () => {
  assert.equal(formatForPath('/t/topo.yaml'), 'flux');
  assert.equal(formatForPath('/t/TOPO.YML'), 'flux');
  assert.equal(formatForPath('C:\\t\\plan.json'), 'flink');
  assert.equal(formatForPath('/t/describe.txt'), 'kafka-streams');
  assert.equal(formatForPath('/t/notes.md'), undefined);
  assert.equal(formatForPath('/t.d/noext'), undefined);
});

test('import: the guessed format is offered first, every format always', () => {
  assert.deepEqual(formatChoices('/t/plan.json').map((f) => f.format), ['flink', 'flux', 'kafka-streams']);
  assert.deepEqual(formatChoices('/t/x.txt').map((f) => f.format), ['kafka-streams', 'flux', 'flink']);
  assert.deepEqual(formatChoices('/t/x').map((f) => f.format), ['flux', 'kafka-streams', 'flink']);
  const filters = openDialogFilters();
  assert.deepEqual(filters['Topology descriptions'], ['yaml', 'yml', 'txt', 'json']);
  assert.deepEqual(filters['All files'], ['*']);
});

test('import: formats and command match the Go side', () => {
  // The server's table (importer/formats) and command name (server/import.go).
  const repo = path.resolve(__dirname, '..', '..', '..');
  const formats = fs.readFileSync(path.join(repo, 'importer', 'formats', 'formats.go'), 'utf8');
  for (const f of IMPORT_FORMATS) {
    const exts = f.extensions.map((e) => `"." + e`);
    assert.ok(formats.includes(`Name: "${f.format}"`), f.format);
    assert.ok(formats.includes(`Exts: []string{${f.extensions.map((e) => `".${e}"`).join(', ')}}`), `${f.format} ${exts}`);
  }
  const server = fs.readFileSync(path.join(repo, 'server', 'import.go'), 'utf8');
  assert.ok(server.includes(`cmdImport = "${SERVER_COMMAND}"`));
});

test('import: the server answer is checked before a document is opened', () => {
  assert.deepEqual(importResult({ uri: 'file:///t/topo.blazes', format: 'flux', warnings: ['a', 3] }),
    { uri: 'file:///t/topo.blazes', format: 'flux', warnings: ['a'] });
  assert.deepEqual(importResult({ uri: 'file:///t/x.blazes' }), { uri: 'file:///t/x.blazes', format: '', warnings: [] });
  assert.equal(importResult(null), undefined);
  assert.equal(importResult('file:///t/x.blazes'), undefined);
  assert.equal(importResult({ uri: 'https://example.com/x.blazes' }), undefined);
  assert.equal(importResult({ uri: 42 }), undefined);
});
