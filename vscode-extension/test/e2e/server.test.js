'use strict';
// End to end against the real Go server: `blazes serve` started as the
// extension starts it (its ServerOptions, spawned by the real
// vscode-languageclient: see languageclient.js) and spoken to over stdio
// through vscode-jsonrpc (what vscode-languageclient is built on).
//
// The binary: $BLAZES_BIN, else built with `go build -o <tmp>/blazes
// ./cmd/blazes` from the repository root. The test is skipped (with the
// reason) only when that build fails; a binary that misbehaves fails it.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const rpc = require('vscode-jsonrpc/node');
const { launchServer } = require('./languageclient.js');

const REPO = path.resolve(__dirname, '..', '..', '..');
const TIMEOUT = 20000;

// The paper's word count without `seal(batch)` on the source: Count's
// `OW[word, batch]` is not coordinated, a BLZ001.
const WORDCOUNT_UNSEALED = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'testdata', 'paper', 'wordcount.blazes'), 'utf8');

const SETTINGS = { inlayHints: { enabled: true, streams: true, interfaces: true, paths: true } };

function findBinary() {
  if (process.env.BLAZES_BIN) {
    if (!fs.existsSync(process.env.BLAZES_BIN)) throw new Error(`BLAZES_BIN=${process.env.BLAZES_BIN} does not exist`);
    return { bin: process.env.BLAZES_BIN };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blazes-e2e-bin-'));
  const bin = path.join(dir, process.platform === 'win32' ? 'blazes.exe' : 'blazes');
  const r = spawnSync('go', ['build', '-o', bin, './cmd/blazes'], { cwd: REPO, encoding: 'utf8', timeout: 540000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || r.stdout || `exit ${r.status}`).trim();
    fs.rmSync(dir, { recursive: true, force: true });
    return { skip: `cannot build the server (go build -o ${bin} ./cmd/blazes in ${REPO}): ${why.split('\n').slice(0, 15).join('\n')}` };
  }
  return { bin, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function codeOf(d) {
  return d.code && typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function offsetAt(text, pos) {
  let line = 0, i = 0;
  while (line < pos.line) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    i = nl + 1;
    line++;
  }
  const end = text.indexOf('\n', i);
  return Math.min(i + pos.character, end < 0 ? text.length : end);
}

/** Apply LSP TextEdits (UTF-16 positions, as JS strings are). */
function applyEdits(text, edits) {
  const sorted = edits
    .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  for (const e of sorted) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
  return text;
}

function editsFor(edit, uri) {
  const out = [];
  if (edit.changes && edit.changes[uri]) out.push(...edit.changes[uri]);
  for (const dc of edit.documentChanges || []) {
    if (dc.textDocument && dc.textDocument.uri === uri) out.push(...dc.edits);
  }
  return out;
}

test('e2e: blazes serve publishes BLZ001, its quick fix clears it, blazes.graph returns DOT, blazes.importTopology writes a model', { timeout: 600000 }, async (t) => {
  const found = findBinary();
  if (found.skip) {
    t.skip(found.skip);
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'blazes-e2e-'));
  const file = path.join(work, 'wordcount.blazes');
  fs.writeFileSync(file, WORDCOUNT_UNSEALED);
  const uri = pathToFileURL(file).href;
  const rootUri = pathToFileURL(work).href;

  // Started as the extension starts it: its ServerOptions, spawned by the
  // real vscode-languageclient (which appends --stdio).
  const launched = await launchServer(found.bin, [], work);
  const proc = launched.process;
  assert.deepEqual(proc.spawnargs.slice(1), ['serve', '--stdio'], 'the command line vscode-languageclient runs');
  let exited = proc.exitCode !== null ? { code: proc.exitCode, signal: proc.signalCode } : null;
  proc.on('exit', (code, signal) => { exited = { code, signal }; });
  const conn = rpc.createMessageConnection(launched.reader, launched.writer);
  const context = () => `\n--- server stderr (last 2000 chars) ---\n${launched.stderr().slice(-2000)}${exited ? `\n--- server exited: ${JSON.stringify(exited)}` : ''}`;

  const published = [];
  const waiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    published.push(p);
    for (const w of [...waiters]) w();
  });
  // Requests the server may send to the client.
  conn.onRequest('workspace/configuration', (p) => (p.items || []).map((it) => (it.section === 'blazes' ? SETTINGS : it.section && it.section.startsWith('blazes.') ? null : null)));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('client/unregisterCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('workspace/applyEdit', () => ({ applied: false }));
  conn.onRequest('window/showMessageRequest', () => null);
  conn.onRequest('workspace/workspaceFolders', () => [{ uri: rootUri, name: 'e2e' }]);
  conn.listen();
  t.after(async () => {
    if (!exited) {
      try {
        await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
        await conn.sendNotification('exit');
      } catch { /* already gone */ }
      await new Promise((r) => setTimeout(r, 500));
      if (!exited) proc.kill();
    }
    conn.dispose();
    fs.rmSync(work, { recursive: true, force: true });
    if (found.cleanup) found.cleanup();
  });

  /** The first publish for `uri` after index `from` that satisfies `pred`. */
  function waitPublish(from, pred, what) {
    return new Promise((resolve, reject) => {
      const check = () => {
        for (let i = from; i < published.length; i++) {
          if (published[i].uri === uri && pred(published[i])) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve(published[i]);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        const last = [...published].reverse().find((p) => p.uri === uri);
        reject(new Error(`timed out after ${TIMEOUT} ms waiting for ${what}; last diagnostics for the file: ${JSON.stringify(last && last.diagnostics.map((d) => `${codeOf(d)} ${d.message}`))}${context()}`));
      }, TIMEOUT);
      waiters.push(check);
      check();
    });
  }

  const init = await conn.sendRequest('initialize', {
    processId: process.pid,
    clientInfo: { name: 'blazes-e2e' },
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'e2e' }],
    initializationOptions: SETTINGS,
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true },
        workspaceEdit: { documentChanges: true }, executeCommand: {}, symbol: {} },
      textDocument: {
        synchronization: { didSave: true },
        publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
        codeAction: {
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } },
          isPreferredSupport: true, dataSupport: true, resolveSupport: { properties: ['edit'] },
        },
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        inlayHint: {},
      },
    },
  }).catch(async (e) => {
    // Let the process finish writing its stderr before reporting.
    for (let i = 0; i < 30 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
    throw new Error(`initialize failed: ${e.message}${context()}`);
  });
  assert.ok(init && init.capabilities, `initialize returned capabilities${context()}`);
  conn.sendNotification('initialized', {});
  conn.sendNotification('workspace/didChangeConfiguration', { settings: { blazes: SETTINGS } });

  // 1. publishDiagnostics with BLZ001 for the unsealed word count.
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'blazes', version: 1, text: WORDCOUNT_UNSEALED } });
  const first = await waitPublish(0, (p) => p.diagnostics.some((d) => codeOf(d) === 'BLZ001'), 'a BLZ001 diagnostic');
  const blz001 = first.diagnostics.find((d) => codeOf(d) === 'BLZ001');
  assert.equal(blz001.source, 'blazes', 'diagnostics have source "blazes" (the status bar counts those)');
  assert.equal(WORDCOUNT_UNSEALED.split('\n')[blz001.range.start.line].includes('OW'), true, `BLZ001 is on Count's path: ${JSON.stringify(blz001.range)}`);

  // 1b. Its "Show a witness" action, run as the extension runs it (the
  // arguments of out/witness.js): the server answers the witness as JSON,
  // and the graph view's highlight is Count and the stream out of
  // Count.counts, the ids of blazes.graph's DOT.
  const { witnessArguments, witnessResult } = require(path.join(__dirname, '..', '..', 'out', 'witness.js'));
  const all = await conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: blz001.range, context: { diagnostics: [blz001] } });
  const show = all.find((a) => a.command && a.command.command === 'blazes.witness');
  assert.ok(show && show.title.startsWith('Show a witness'), `a Show a witness action: ${JSON.stringify(all)}`);
  const answer = await conn.sendRequest('workspace/executeCommand', { command: show.command.command, arguments: witnessArguments(show.command.arguments) })
    .catch((e) => { throw new Error(`blazes.witness failed: ${e.message}${context()}`); });
  const shown = witnessResult(answer);
  assert.ok(shown && shown.highlight, `a witness with a differing part: ${JSON.stringify(answer)}`);
  assert.equal(shown.name, 'Count: words -> counts');
  assert.match(shown.markdown, /Two runs of the same input disagree on Count\.counts/);
  assert.deepEqual(shown.highlight.nodes, ['Count']);
  assert.deepEqual(shown.highlight.edges, ['Count.counts -> Commit.counts']);
  const graphBefore = await conn.sendRequest('workspace/executeCommand', { command: 'blazes.graph', arguments: [uri] });
  for (const e of shown.highlight.edges) assert.ok(graphBefore.includes(`[id="${e}"`), `the DOT has the edge ${e}:\n${graphBefore}`);

  // 2. A quick fix for it; applying its edit clears the finding.
  const actions = await conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: blz001.range, context: { diagnostics: [blz001], only: ['quickfix'] },
  });
  assert.ok(Array.isArray(actions) && actions.length > 0, `code actions offered for BLZ001: ${JSON.stringify(actions)}${context()}`);
  let fix = actions.find((a) => a.kind && a.kind.startsWith('quickfix') && a.edit) || actions.find((a) => a.edit);
  if (!fix) {
    const unresolved = actions.find((a) => a.kind && a.kind.startsWith('quickfix') && !a.command);
    if (unresolved && init.capabilities.codeActionProvider && init.capabilities.codeActionProvider.resolveProvider) {
      fix = await conn.sendRequest('codeAction/resolve', unresolved);
    }
  }
  assert.ok(fix && fix.edit, `a quick fix with a workspace edit: ${JSON.stringify(actions)}`);
  const edits = editsFor(fix.edit, uri);
  assert.ok(edits.length > 0, `the fix "${fix.title}" edits the file: ${JSON.stringify(fix.edit)}`);
  const fixed = applyEdits(WORDCOUNT_UNSEALED, edits);
  t.diagnostic(`applied quick fix: ${fix.title}`);
  const mark = published.length;
  conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
  const after = await waitPublish(
    mark,
    (p) => (p.version === undefined || p.version === null || p.version >= 2) && !p.diagnostics.some((d) => codeOf(d) === 'BLZ001'),
    `the BLZ001 to disappear after "${fix.title}" (text now:\n${fixed})`,
  );
  const errors = after.diagnostics.filter((d) => d.severity === 1);
  assert.deepEqual(errors.map((d) => `${codeOf(d)} ${d.message}`), [], 'the fix created no error');

  // 3. blazes.graph returns Graphviz DOT naming every component.
  const dot = await conn.sendRequest('workspace/executeCommand', { command: 'blazes.graph', arguments: [uri] })
    .catch((e) => { throw new Error(`blazes.graph failed: ${e.message}${context()}`); });
  assert.equal(typeof dot, 'string', `blazes.graph returns a string: ${JSON.stringify(dot)}`);
  assert.match(dot, /digraph/);
  for (const name of ['Splitter', 'Count', 'Commit']) assert.ok(dot.includes(name), `the DOT names ${name}:\n${dot}`);

  // 4. blazes.importTopology writes a real Flux file's model beside it.
  const flux = path.join(work, 'simple_wordcount.yaml');
  fs.copyFileSync(path.join(REPO, 'testdata', 'import', 'flux', 'examples', 'simple_wordcount.yaml'), flux);
  const imported = await conn.sendRequest('workspace/executeCommand', {
    command: 'blazes.importTopology', arguments: [pathToFileURL(flux).href, 'flux', { show: false }],
  }).catch((e) => { throw new Error(`blazes.importTopology failed: ${e.message}${context()}`); });
  assert.equal(imported.uri, pathToFileURL(path.join(work, 'simple_wordcount.blazes')).href, JSON.stringify(imported));
  const model = fs.readFileSync(path.join(work, 'simple_wordcount.blazes'), 'utf8');
  assert.match(model, /^dataflow yaml_topology$/m);
  assert.match(model, /spout_1 -> counts : OW\[word\]/);

  // The server shuts down cleanly.
  await conn.sendRequest('shutdown');
  conn.sendNotification('exit');
  const code = await new Promise((resolve) => {
    if (exited) return resolve(exited.code);
    const timer = setTimeout(() => resolve('still running'), 5000);
    proc.on('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
  assert.equal(code, 0, `the server exits with 0 after shutdown/exit${context()}`);
});
