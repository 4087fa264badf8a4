'use strict';
// Starts `blazes serve` as the extension does: the extension's ServerOptions
// (out/launch.js, the compiled src/launch.ts) handed to the real
// vscode-languageclient, whose LanguageClient spawns the process (for
// TransportKind.stdio it appends `--stdio`) and connects its message reader
// and writer to the process's stdout and stdin.
//
// The library imports the `vscode` module, which exists only inside VS
// Code's extension host. Plain Node gets a small stand-in with what the
// library touches while it loads, constructs a client and spawns the server
// (its version, EventEmitter, the workspace's events and folders, and the
// classes its features extend). Nothing else of VS Code is imitated: the
// real VS Code runs the packaged extension in e2e/vscode
// (scripts/test-vscode.sh).
const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const OUT = path.resolve(__dirname, '..', '..', 'out');

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== listener); } };
    };
  }
  fire(value) { for (const l of [...this.listeners]) l(value); }
  dispose() { this.listeners = []; }
}

function vscodeStandIn(folder) {
  const noEvent = () => ({ dispose() {} });
  const workspace = {
    workspaceFolders: folder ? [{ uri: { scheme: 'file', fsPath: folder, toString: () => pathToFileURL(folder).href }, name: path.basename(folder), index: 0 }] : undefined,
  };
  for (const e of ['onDidOpenTextDocument', 'onDidChangeTextDocument', 'onWillSaveTextDocument', 'onDidSaveTextDocument',
    'onDidCloseTextDocument', 'onDidCreateFiles', 'onDidRenameFiles', 'onDidDeleteFiles', 'onWillCreateFiles',
    'onWillRenameFiles', 'onWillDeleteFiles', 'onDidChangeConfiguration', 'onDidChangeWorkspaceFolders']) {
    workspace[e] = noEvent;
  }
  const known = {
    version: '1.82.0',
    EventEmitter,
    workspace,
    CodeActionKind: { Empty: '', QuickFix: 'quickfix', Refactor: 'refactor', Source: 'source' },
  };
  // Classes the library extends when it loads (CompletionItem, CodeLens,
  // CodeAction, Diagnostic, ...): empty ones will do, nothing is built from them.
  const classes = new Map();
  return new Proxy(known, {
    get(target, key) {
      if (key in target) return target[key];
      if (typeof key === 'string' && /^[A-Z]/.test(key)) {
        if (!classes.has(key)) classes.set(key, class {});
        return classes.get(key);
      }
      return undefined;
    },
  });
}

/** Loads the real vscode-languageclient/node (and out/launch.js) with the stand-in for `vscode`. */
function loadLibrary(folder) {
  const vscode = vscodeStandIn(folder);
  const originalLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscode;
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    const lc = require('vscode-languageclient/node');
    let launch;
    try {
      launch = require(path.join(OUT, 'launch.js'));
    } catch (e) {
      if (e.code === 'MODULE_NOT_FOUND') throw new Error('out/launch.js is missing: run `npm run build` first');
      throw e;
    }
    return { lc, launch };
  } finally {
    Module._load = originalLoad;
  }
}

/**
 * Launches `bin` with the extension's server options and the given user
 * arguments (`blazes.server.args`), through the real LanguageClient.
 * Returns the message reader and writer the library made, the spawned
 * process, and `stderr()`: what the library forwarded from the server's
 * stderr to the output channel.
 */
async function launchServer(bin, userArgs, cwd) {
  const { lc, launch } = loadLibrary(cwd);
  const { serverArgs } = require(path.join(OUT, 'settings.js'));
  const args = serverArgs({ get: (key) => (key === 'server.args' ? userArgs : undefined) });
  const options = launch.serverOptions(bin, args, cwd);
  let output = '';
  const outputChannel = {
    name: 'Blazes', append: (s) => { output += s; }, appendLine: (s) => { output += s + '\n'; },
    replace: (s) => { output = s; }, clear() { output = ''; }, show() {}, hide() {}, dispose() {},
  };
  const client = new lc.LanguageClient('blazes', 'Blazes', options, { outputChannel, documentSelector: [{ language: 'blazes' }] });
  // createMessageTransports is where the library turns ServerOptions into a
  // process (the first step of client.start(), which needs all of VS Code).
  const { reader, writer } = await client.createMessageTransports('utf-8');
  const proc = client._serverProcess;
  if (!proc) throw new Error('vscode-languageclient started no process');
  return { reader, writer, process: proc, options, stderr: () => output };
}

module.exports = { launchServer };
