'use strict';
// A mock of the `vscode` module (only what the extension touches) and a fake
// vscode-languageclient, installed through Module._load, so that the compiled
// extension (out/extension.js) can be activated in plain Node.
const Module = require('node:module');
const path = require('node:path');

const OUT = path.resolve(__dirname, '..', '..', 'out');

function requireOut(name) {
  try {
    return require(path.join(OUT, name));
  } catch (e) {
    if (e.code === 'MODULE_NOT_FOUND') throw new Error(`out/${name}.js is missing: run \`npm run build\` first`);
    throw e;
  }
}

class EventEmitter {
  constructor() { this.listeners = []; this.event = (l) => { this.listeners.push(l); return { dispose() {} }; }; }
  fire(v) { for (const l of this.listeners) l(v); }
  dispose() {}
}

function createVscodeMock({ settings = {}, errorChoices = [], workspaceFolder } = {}) {
  const calls = { errors: [], infos: [], commands: {}, outputShown: 0, output: [], executed: [] };
  const config = (section) => ({
    get(key, def) {
      const full = `${section}.${key}`;
      return Object.prototype.hasOwnProperty.call(settings, full) ? settings[full] : def;
    },
  });
  const mock = {
    calls,
    settings,
    EventEmitter,
    StatusBarAlignment: { Left: 1, Right: 2 },
    ViewColumn: { One: 1, Beside: -2 },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    Uri: {
      from: (c) => ({ ...c, toString: () => `${c.scheme}:${c.path}?${c.query ?? ''}` }),
      joinPath: (u, ...p) => ({ ...u, path: path.posix.join(u.path, ...p) }),
      parse: (s) => ({ toString: () => s, path: s }),
    },
    window: {
      activeTextEditor: undefined,
      visibleTextEditors: [],
      createOutputChannel: (name) => ({
        name,
        appendLine: (l) => calls.output.push(l),
        append: (l) => calls.output.push(l),
        show: () => { calls.outputShown++; },
        dispose() {},
      }),
      createStatusBarItem: () => ({ text: '', show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} }),
      showErrorMessage: async (msg, ...items) => {
        calls.errors.push({ msg, items });
        return errorChoices.shift();
      },
      showInformationMessage: async (msg, ...items) => { calls.infos.push({ msg, items }); return undefined; },
      onDidChangeActiveTextEditor: () => ({ dispose() {} }),
    },
    workspace: {
      workspaceFolders: workspaceFolder ? [{ uri: { fsPath: workspaceFolder } }] : undefined,
      getConfiguration: (section) => config(section),
      onDidChangeConfiguration: (l) => { mock._configListener = l; return { dispose() {} }; },
      createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
      registerTextDocumentContentProvider: () => ({ dispose() {} }),
      onDidChangeTextDocument: () => ({ dispose() {} }),
    },
    languages: {
      onDidChangeDiagnostics: () => ({ dispose() {} }),
      getDiagnostics: () => [],
    },
    commands: {
      registerCommand: (id, fn) => { calls.commands[id] = fn; return { dispose() {} }; },
      executeCommand: async (...a) => { calls.executed.push(a); },
    },
    env: { clipboard: { writeText: async (t) => { calls.clipboard = t; } } },
  };
  return mock;
}

/** A stand-in for vscode-languageclient/node that records what the extension
 *  builds and starts nothing (the launch through the real library is
 *  tested in test/e2e/launch.test.js). */
function createClientMock() {
  const created = [];
  const State = { Stopped: 1, Starting: 3, Running: 2 };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, state: State.Stopped, stopped: false });
      created.push(this);
    }
    onDidChangeState() { return { dispose() {} }; }
    async start() { this.state = State.Running; }
    async stop() { this.stopped = true; this.state = State.Stopped; }
    async dispose() {}
    async sendRequest(type, params) { return (this.requests = this.requests || []).push({ type, params }); }
  }
  return {
    created,
    module: {
      LanguageClient,
      State,
      TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 },
      CloseAction: { DoNotRestart: 1, Restart: 2 },
      ErrorAction: { Continue: 1, Shutdown: 2 },
      ExecuteCommandRequest: { type: 'workspace/executeCommand' },
      DocumentSymbolRequest: { type: 'textDocument/documentSymbol' },
      WorkspaceSymbolRequest: { type: 'workspace/symbol' },
    },
  };
}

/** Load a fresh out/extension.js with the given mocks for `vscode` and the client library. */
function loadExtension(vscodeMock, clientModule) {
  const originalLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscodeMock;
    if (request === 'vscode-languageclient/node') return clientModule;
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    for (const k of Object.keys(require.cache)) if (k.startsWith(OUT + path.sep)) delete require.cache[k];
    return requireOut('extension');
  } finally {
    Module._load = originalLoad;
  }
}

function fakeContext() {
  return { subscriptions: [], extensionUri: { scheme: 'file', path: '/ext', fsPath: '/ext' } };
}

module.exports = { requireOut, createVscodeMock, createClientMock, loadExtension, fakeContext };
