// The VS Code client of `blazes serve`. Everything about the analysis comes
// from the server; this file only wires VS Code to it.
import * as vscode from 'vscode';
import * as os from 'os';
import * as path from 'path';
import {
  CloseAction,
  DocumentSymbolRequest,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  WorkspaceSymbolRequest,
} from 'vscode-languageclient/node';
import { INSTALL_COMMAND, ServerNotFoundError, isExecutableFile, resolveServerPath } from './serverPath';
import { CONFIG_SECTION, initializationOptions, needsRestart, serverArgs } from './settings';
import { RestartPolicy, createErrorHandler } from './restartPolicy';
import { statusFor } from './status';
import { explainText, firstLine } from './explain';
import { GraphPanel, GraphServer } from './graphPanel';
import { serverOptions as launchOptions } from './launch';
import { SERVER_COMMAND, formatChoices, importResult, openDialogFilters } from './importTopology';
import { WITNESS_COMMAND, witnessArguments, witnessResult } from './witness';

const LANGUAGE = 'blazes';
const EXPLAIN_SCHEME = 'blazes-explain';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
let serverProblem: string | undefined;
const policy = new RestartPolicy();
const explanations = new Map<string, string>();
let explainCount = 0;
const explainChanged = new vscode.EventEmitter<vscode.Uri>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Blazes');
  statusItem = vscode.window.createStatusBarItem('blazes.status', vscode.StatusBarAlignment.Left, 10);
  statusItem.name = 'Blazes';
  context.subscriptions.push(output, statusItem, explainChanged);

  context.subscriptions.push(
    vscode.commands.registerCommand('blazes.restartServer', () => restart()),
    vscode.commands.registerCommand('blazes.showLog', () => output.show(true)),
    vscode.commands.registerCommand('blazes.showGraph', () => showGraph(context)),
    vscode.commands.registerCommand('blazes.explainLabel', () => explainLabel()),
    vscode.commands.registerCommand('blazes.importTopologyFile', () => importTopology()),
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
      onDidChange: explainChanged.event,
      provideTextDocumentContent: (uri) => explanations.get(uri.toString()) ?? '',
    }),
    vscode.languages.onDidChangeDiagnostics(() => updateStatus()),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!needsRestart((s) => e.affectsConfiguration(s))) return;
      const choice = await vscode.window.showInformationMessage(
        'The Blazes server path or arguments changed. Restart the server to use them?',
        'Restart',
      );
      if (choice === 'Restart') await restart();
    }),
    { dispose: () => void client?.stop() },
  );

  await startClient(context);
  updateStatus();
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop().catch(() => undefined);
}

let extensionContext: vscode.ExtensionContext | undefined;

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  serverProblem = undefined;
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  let command: string;
  try {
    command = resolveServerPath(config.get<string>('server.path'), {
      platform: process.platform,
      env: process.env,
      homedir: os.homedir(),
      workspaceFolder: workspaceFolder(),
      isExecutable: isExecutableFile,
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    serverProblem = 'not found';
    output.appendLine(`[error] ${message}`);
    if (e instanceof ServerNotFoundError) {
      void showNotFound(message);
    } else {
      void showError(message);
    }
    updateStatus();
    return;
  }

  const args = serverArgs(config);
  output.appendLine(`[info] starting ${command} ${args.join(' ')}`);
  const serverOptions: ServerOptions = launchOptions(command, args, workspaceFolder());
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.blazes');
  context.subscriptions.push(watcher);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE }],
    synchronize: { configurationSection: CONFIG_SECTION, fileEvents: watcher },
    initializationOptions: () => initializationOptions(vscode.workspace.getConfiguration(CONFIG_SECTION)),
    outputChannel: output,
    middleware: {
      // The "Show a witness" code action runs blazes.witness: the
      // extension asks for the JSON form, opens the trace itself and
      // highlights the differing part in the graph view.
      executeCommand: (command, args, next) =>
        command === WITNESS_COMMAND ? showWitness(args, (a) => next(command, a)) : next(command, args),
    },
    errorHandler: createErrorHandler(
      policy,
      { CloseAction, ErrorAction },
      (message) => {
        serverProblem = 'stopped';
        output.appendLine(`[error] ${message}`);
        updateStatus();
        void showError(message);
      },
      (n) => output.appendLine(`[warn] the server stopped unexpectedly (${n} time(s) recently); restarting`),
    ),
  };
  const c = new LanguageClient('blazes', 'Blazes', serverOptions, clientOptions);
  client = c;
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      serverProblem = undefined;
      GraphPanel.refresh();
    }
    updateStatus();
  });
  try {
    await c.start();
  } catch (e) {
    serverProblem = 'failed to start';
    const message = `The Blazes language server (${command} ${args.join(' ')}) failed to start: ${e instanceof Error ? e.message : String(e)}`;
    output.appendLine(`[error] ${message}`);
    void showError(message);
    updateStatus();
  }
}

async function restart(): Promise<void> {
  policy.reset();
  const c = client;
  client = undefined;
  if (c) {
    await c.stop().catch(() => undefined);
    await c.dispose().catch(() => undefined);
  }
  if (extensionContext) await startClient(extensionContext);
  updateStatus();
}

async function showError(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Show Log');
  if (choice === 'Show Log') output.show(true);
}

async function showNotFound(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Copy Install Command', 'Open Settings', 'Show Log');
  if (choice === 'Copy Install Command') await vscode.env.clipboard.writeText(INSTALL_COMMAND);
  else if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'blazes.server.path');
  else if (choice === 'Show Log') output.show(true);
}

function runningClient(): LanguageClient | undefined {
  return client && client.state === State.Running ? client : undefined;
}

function graphServer(): GraphServer | undefined {
  const c = runningClient();
  if (!c) return undefined;
  return {
    graph: (uri) => c.sendRequest(ExecuteCommandRequest.type, { command: 'blazes.graph', arguments: [uri] }),
    documentSymbols: (uri) => c.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }) as Promise<unknown[] | null>,
    workspaceSymbols: (query) => c.sendRequest(WorkspaceSymbolRequest.type, { query }) as Promise<unknown[] | null>,
  };
}

function activeBlazesEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE) {
    void vscode.window.showInformationMessage('Blazes: open a .blazes file first.');
    return undefined;
  }
  return editor;
}

function notRunning(): void {
  void vscode.window.showErrorMessage('The Blazes language server is not running.', 'Show Log', 'Restart Server').then((c) => {
    if (c === 'Show Log') output.show(true);
    else if (c === 'Restart Server') void restart();
  });
}

function showGraph(context: vscode.ExtensionContext): void {
  const editor = activeBlazesEditor();
  if (!editor) return;
  if (!runningClient()) {
    notRunning();
    return;
  }
  GraphPanel.show(context.extensionUri, graphServer, editor.document.uri);
}

async function explainLabel(): Promise<void> {
  const editor = activeBlazesEditor();
  if (!editor) return;
  const c = runningClient();
  if (!c) return notRunning();
  const pos = editor.selection.active;
  let result: unknown;
  try {
    result = await c.sendRequest(ExecuteCommandRequest.type, {
      command: 'blazes.explain',
      // { show: false }: the extension shows the text itself, in a
      // virtual document, so the server must not open one of its own.
      arguments: [editor.document.uri.toString(), { line: pos.line, character: pos.character }, { show: false }],
    });
  } catch (e) {
    void showError(`Blazes: explain failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const text = explainText(result);
  if (!text) {
    void vscode.window.showInformationMessage('Blazes: no label to explain at the cursor (place it on a component, interface, path or stream).');
    return;
  }
  const name = path.basename(editor.document.uri.path).replace(/\.blazes$/, '');
  const uri = vscode.Uri.from({
    scheme: EXPLAIN_SCHEME,
    path: `/${name}:${pos.line + 1}:${pos.character + 1}.md`,
    query: String(++explainCount),
  });
  explanations.set(uri.toString(), text);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  output.appendLine(`[info] explain ${name}:${pos.line + 1}:${pos.character + 1}: ${firstLine(text)}`);
}

// showWitness runs blazes.witness [uri, component, path] with
// {"format": "json", "show": false}, opens the trace as a markdown document
// and shows the graph of uri with the components and streams where the two
// executions differ highlighted.
async function showWitness(args: unknown[], run: (args: unknown[]) => Promise<unknown>): Promise<unknown> {
  let answer: unknown;
  try {
    answer = await run(witnessArguments(args));
  } catch (e) {
    void showError(`Blazes: witness failed: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const w = witnessResult(answer);
  if (!w) {
    void showError('Blazes: the server answered no witness.');
    return answer;
  }
  const fileUri = typeof args[0] === 'string' ? vscode.Uri.parse(args[0]) : undefined;
  const base = fileUri ? path.basename(fileUri.path).replace(/\.blazes$/, '') : 'witness';
  const name = w.name ?? `${String(args[1] ?? '')}: ${String(args[2] ?? '')}`;
  const uri = vscode.Uri.from({
    scheme: EXPLAIN_SCHEME,
    path: `/witness ${base} ${name.replace(/[/\\]/g, ' ')}.md`,
    query: String(++explainCount),
  });
  explanations.set(uri.toString(), w.markdown);
  // The trace and the graph each get a column of their own, right of the
  // file's: "beside" for both would stack them in one group, the second
  // hiding the first.
  const fileColumn = vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One;
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
  await vscode.window.showTextDocument(doc, { viewColumn: fileColumn + 1, preview: true, preserveFocus: true });
  output.appendLine(`[info] witness ${base} ${name}: ${firstLine(w.markdown)}`);
  if (w.highlight && fileUri && extensionContext && runningClient()) {
    GraphPanel.showWitness(extensionContext.extensionUri, graphServer, fileUri, w.highlight, fileColumn + 2);
  }
  return answer;
}

// importTopology asks for a topology file and its format, has the server
// write the model beside it (blazes.importTopology), and opens the model.
async function importTopology(): Promise<void> {
  const c = runningClient();
  if (!c) return notRunning();
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    openLabel: 'Import',
    title: 'Blazes: Import Topology',
    filters: openDialogFilters(),
  });
  if (!picked || picked.length === 0) return;
  const file = picked[0];
  const choice = await vscode.window.showQuickPick(
    formatChoices(file.fsPath).map((f) => ({ label: f.label, description: f.description, format: f.format })),
    { title: `Blazes: format of ${path.basename(file.fsPath)}`, placeHolder: 'What describes this topology?' },
  );
  if (!choice) return;
  let answer: unknown;
  try {
    answer = await c.sendRequest(ExecuteCommandRequest.type, {
      command: SERVER_COMMAND,
      arguments: [file.toString(), choice.format, { show: false }],
    });
  } catch (e) {
    void showError(`Blazes: import failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const res = importResult(answer);
  if (!res) {
    void showError('Blazes: the server did not say where it wrote the model.');
    return;
  }
  for (const w of res.warnings) output.appendLine(`[warn] import: ${w}`);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(res.uri));
  await vscode.window.showTextDocument(doc, { preview: false });
  output.appendLine(`[info] imported ${file.fsPath} (${res.format}) as ${doc.uri.fsPath}`);
  if (res.warnings.length > 0) {
    const n = res.warnings.length;
    void vscode.window.showWarningMessage(`Blazes: imported with ${n} warning${n === 1 ? '' : 's'}: ${res.warnings[0]}`, 'Show Log').then((c) => {
      if (c === 'Show Log') output.show(true);
    });
  }
}

function updateStatus(): void {
  if (!statusItem) return;
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE) {
    statusItem.hide();
    return;
  }
  if (serverProblem) {
    statusItem.text = `$(error) Blazes: server ${serverProblem}`;
    statusItem.tooltip = 'The Blazes language server is not running: click to show the log';
    statusItem.command = 'blazes.showLog';
  } else {
    const s = statusFor(vscode.languages.getDiagnostics(editor.document.uri));
    statusItem.text = s.text;
    statusItem.tooltip = s.tooltip;
    statusItem.command = s.findings ? 'workbench.actions.view.problems' : undefined;
  }
  statusItem.show();
}
