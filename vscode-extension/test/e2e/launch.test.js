'use strict';
// The extension's launch of `blazes serve` through the real
// vscode-languageclient (languageclient.js): with and without the user's
// `blazes.server.args`, the command line the library builds (it appends
// --stdio) starts a server that answers initialize, publishes the word
// count's BLZ001 and exits 0 after shutdown and exit.
//
// The binary: $BLAZES_BIN, else built with `go build` (as server.test.js).
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
const WORDCOUNT = fs.readFileSync(path.join(REPO, 'testdata', 'paper', 'wordcount.blazes'), 'utf8');

let binary;
let binaryDir;
// Registered here, not inside the before hook: an after hook registered
// there runs as soon as the before hook ends, removing the binary before
// the tests spawn it.
test.after(() => { if (binaryDir) fs.rmSync(binaryDir, { recursive: true, force: true }); });
test.before(() => {
  if (process.env.BLAZES_BIN) {
    assert.ok(fs.existsSync(process.env.BLAZES_BIN), `BLAZES_BIN=${process.env.BLAZES_BIN} does not exist`);
    binary = process.env.BLAZES_BIN;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blazes-launch-bin-'));
  binaryDir = dir;
  binary = path.join(dir, process.platform === 'win32' ? 'blazes.exe' : 'blazes');
  const r = spawnSync('go', ['build', '-o', binary, './cmd/blazes'], { cwd: REPO, encoding: 'utf8', timeout: 540000 });
  assert.ok(!r.error && r.status === 0, `go build ./cmd/blazes failed: ${r.error ? r.error.message : r.stderr}`);
});

/** Rejects when the process exits, with what it wrote on stderr. */
function exitOf(proc, stderr) {
  return new Promise((_, reject) => {
    const fail = (code, signal) => setImmediate(() => reject(new Error(`the server exited (${code ?? signal}) while the client waited; its stderr:\n${stderr()}`)));
    if (proc.exitCode !== null || proc.signalCode !== null) fail(proc.exitCode, proc.signalCode);
    else proc.once('exit', fail);
  });
}

async function session(t, userArgs) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'blazes-launch-'));
  t.after(() => fs.rmSync(work, { recursive: true, force: true }));
  const file = path.join(work, 'wordcount.blazes');
  fs.writeFileSync(file, WORDCOUNT);
  const uri = pathToFileURL(file).href;
  const rootUri = pathToFileURL(work).href;

  const launched = await launchServer(binary, userArgs, work);
  const proc = launched.process;
  t.after(() => { if (proc.exitCode === null && proc.signalCode === null) proc.kill(); });
  t.diagnostic(`vscode-languageclient ran: ${proc.spawnargs.join(' ')}`);
  assert.deepEqual(proc.spawnargs, [binary, 'serve', ...userArgs, '--stdio'], 'the library appends --stdio after the user\'s arguments');

  const exited = exitOf(proc, launched.stderr);
  exited.catch(() => undefined); // observed below, where it matters
  const conn = rpc.createMessageConnection(launched.reader, launched.writer);
  conn.onError(() => undefined); // a dead pipe shows as the exit above
  conn.onRequest('workspace/configuration', (p) => (p.items || []).map(() => null));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  const diagnostics = new Promise((resolve) => {
    conn.onNotification('textDocument/publishDiagnostics', (p) => {
      if (p.uri === uri && p.diagnostics.some((d) => String(d.code && d.code.value !== undefined ? d.code.value : d.code) === 'BLZ001')) resolve(p);
    });
  });
  conn.listen();
  t.after(() => conn.dispose());

  const within = (what, promise) => Promise.race([
    promise,
    exited,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${TIMEOUT} ms; server stderr:\n${launched.stderr()}`)), TIMEOUT).unref()),
  ]);
  const init = await within('answer to initialize', conn.sendRequest('initialize', {
    processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'launch' }], capabilities: {},
  }));
  assert.ok(init.capabilities, 'initialize answered with capabilities');
  await conn.sendNotification('initialized', {});
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'blazes', version: 1, text: WORDCOUNT } });
  await within('BLZ001 for the word count', diagnostics);
  await within('answer to shutdown', conn.sendRequest('shutdown'));
  const code = new Promise((resolve) => proc.once('exit', (c, s) => resolve(c ?? s)));
  await conn.sendNotification('exit');
  assert.equal(await within('exit after the exit notification', code), 0, 'the server exits 0 after shutdown and exit');
}

test('launch: the extension\'s server options through vscode-languageclient start a working server', { timeout: 120000 }, async (t) => {
  await session(t, []);
});

test('launch: blazes.server.args come before the --stdio the library appends', { timeout: 120000 }, async (t) => {
  await session(t, ['--log-level', 'warn']);
});
