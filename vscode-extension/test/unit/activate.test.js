'use strict';
// The extension's wiring (settings, commands, errors, restarts), with
// `vscode` and vscode-languageclient mocked. How the client starts the server
// is not tested here: test/e2e/launch.test.js and server.test.js hand the
// extension's server options to the real vscode-languageclient and talk to
// the real server it spawns, and e2e/vscode runs the packaged extension in
// a real VS Code.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createVscodeMock, createClientMock, loadExtension, fakeContext } = require('./helpers.js');

function fakeBinary() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blazes-unit-'));
  const bin = path.join(dir, 'blazes');
  fs.writeFileSync(bin, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return bin;
}

test('activate: starts `blazes serve` with settings in initializationOptions and config sync', async () => {
  const bin = fakeBinary();
  const vscode = createVscodeMock({ settings: { 'blazes.server.path': bin, 'blazes.server.args': ['-v'], 'blazes.inlayHints.streams': false } });
  const lc = createClientMock();
  const ext = loadExtension(vscode, lc.module);
  await ext.activate(fakeContext());
  assert.equal(lc.created.length, 1);
  const c = lc.created[0];
  assert.equal(c.id, 'blazes', 'client id `blazes` makes languageclient read blazes.trace.server');
  assert.equal(c.serverOptions.command, bin);
  assert.deepEqual(c.serverOptions.args, ['serve', '-v']);
  assert.equal(c.clientOptions.synchronize.configurationSection, 'blazes');
  assert.deepEqual(c.clientOptions.documentSelector, [{ language: 'blazes' }]);
  const init = typeof c.clientOptions.initializationOptions === 'function' ? c.clientOptions.initializationOptions() : c.clientOptions.initializationOptions;
  assert.deepEqual(init, { inlayHints: { enabled: true, streams: false, interfaces: true, paths: true } });
  // A changed setting is read again when the server (re)starts.
  vscode.settings['blazes.inlayHints.enabled'] = false;
  assert.equal(c.clientOptions.initializationOptions().inlayHints.enabled, false);
  for (const id of ['blazes.showGraph', 'blazes.explainLabel', 'blazes.restartServer', 'blazes.importTopologyFile']) assert.ok(vscode.calls.commands[id], id);
  await ext.deactivate();
  assert.equal(c.stopped, true);
});

test('activate: a missing binary shows the install command instead of failing silently', async () => {
  const vscode = createVscodeMock({ settings: { 'blazes.server.path': '/definitely/not/here/blazes' }, errorChoices: ['Copy Install Command'] });
  const lc = createClientMock();
  const ext = loadExtension(vscode, lc.module);
  await ext.activate(fakeContext());
  assert.equal(lc.created.length, 0, 'no client without a binary');
  assert.equal(vscode.calls.errors.length, 1);
  const { msg, items } = vscode.calls.errors[0];
  assert.ok(msg.includes('go install ./cmd/blazes'), msg);
  assert.ok(msg.includes('clone of the Blazes repository'), msg);
  assert.deepEqual(items, ['Copy Install Command', 'Open Settings', 'Show Log']);
  await new Promise((r) => setImmediate(r));
  assert.equal(vscode.calls.clipboard, 'go install ./cmd/blazes');
  assert.ok(vscode.calls.output.some((l) => l.includes('was not found') || l.includes('no executable file')));
});

test('activate: after 5 restarts the client stops and offers "Show Log"', async () => {
  const bin = fakeBinary();
  const vscode = createVscodeMock({ settings: { 'blazes.server.path': bin }, errorChoices: ['Show Log'] });
  const lc = createClientMock();
  const ext = loadExtension(vscode, lc.module);
  await ext.activate(fakeContext());
  const handler = lc.created[0].clientOptions.errorHandler;
  for (let i = 0; i < 5; i++) assert.equal((await handler.closed()).action, lc.module.CloseAction.Restart);
  assert.equal((await handler.closed()).action, lc.module.CloseAction.DoNotRestart);
  const err = vscode.calls.errors.find((e) => /crashed 6 times/.test(e.msg));
  assert.ok(err, 'an error is shown');
  assert.deepEqual(err.items, ['Show Log']);
  await new Promise((r) => setImmediate(r));
  assert.equal(vscode.calls.outputShown, 1, '"Show Log" opens the output channel');
  // "Blazes: Restart Server" starts a new client with a fresh policy.
  await vscode.calls.commands['blazes.restartServer']();
  assert.equal(lc.created.length, 2);
  assert.equal((await lc.created[1].clientOptions.errorHandler.closed()).action, lc.module.CloseAction.Restart);
  await ext.deactivate();
});

test('activate: the Show a witness command asks for JSON, opens the trace and highlights the graph', async () => {
  const bin = fakeBinary();
  const vscode = createVscodeMock({ settings: { 'blazes.server.path': bin } });
  let provider;
  const opened = [];
  const posted = [];
  const panels = [];
  vscode.workspace.registerTextDocumentContentProvider = (scheme, p) => { provider = { scheme, ...p }; return { dispose() {} }; };
  vscode.workspace.openTextDocument = async (uri) => { opened.push(uri); return { uri }; };
  vscode.languages.setTextDocumentLanguage = async (doc, lang) => { doc.languageId = lang; return doc; };
  vscode.window.showTextDocument = async (doc) => doc;
  vscode.window.createWebviewPanel = (id, title) => {
    const panel = {
      id, title,
      webview: { cspSource: 'vscode-resource:', asWebviewUri: (u) => ({ toString: () => `webview:${u.path}` }), postMessage: async (m) => { posted.push(m); return true; }, onDidReceiveMessage: () => ({ dispose() {} }) },
      onDidDispose: () => ({ dispose() {} }), reveal() {}, dispose() {},
    };
    panels.push(panel);
    return panel;
  };
  const lc = createClientMock();
  const ext = loadExtension(vscode, lc.module);
  await ext.activate(fakeContext());
  const mw = lc.created[0].clientOptions.middleware;
  assert.equal(typeof mw.executeCommand, 'function');

  // Other commands go to the server unchanged.
  const sent = [];
  const next = async (command, args) => {
    sent.push({ command, args });
    if (command !== 'blazes.witness') return 'other';
    return {
      witness: { code: 'BLZ001', component: 'Count', path: 'words -> counts', kind: 'runs', differing: { components: ['Count'], interfaces: ['Count.counts'], streams: ['Count.counts -> Commit.counts'] } },
      searched: 12,
      markdown: '**witness** `Count: words -> counts` (BLZ001)\n',
    };
  };
  assert.equal(await mw.executeCommand('blazes.graph', ['file:///w/wc.blazes'], next), 'other');
  assert.deepEqual(sent[0], { command: 'blazes.graph', args: ['file:///w/wc.blazes'] });

  const answer = await mw.executeCommand('blazes.witness', ['file:///w/wc.blazes', 'Count', 'words -> counts'], next);
  assert.equal(answer.searched, 12);
  assert.deepEqual(sent[1], { command: 'blazes.witness', args: ['file:///w/wc.blazes', 'Count', 'words -> counts', { show: false, format: 'json' }] });
  // The trace is a markdown document of the extension's own.
  assert.equal(opened.length, 1);
  assert.equal(opened[0].scheme, provider.scheme);
  assert.equal(provider.provideTextDocumentContent(opened[0]), '**witness** `Count: words -> counts` (BLZ001)\n');
  // The graph view opened and was told what to highlight.
  assert.equal(panels.length, 1);
  assert.equal(panels[0].title, 'Graph: wc.blazes');
  assert.deepEqual(posted.filter((m) => m.type === 'highlight'), [{
    type: 'highlight', nodes: ['Count'], edges: ['Count.counts -> Commit.counts'],
    label: 'Witness: where two runs differ (Count: words -> counts)',
  }]);
  await ext.deactivate();
});
