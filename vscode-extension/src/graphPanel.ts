// The "Blazes: Show Dataflow Graph" webview: asks the server for DOT
// (`blazes.graph`), renders it with the page of graphPage.ts, follows edits
// (debounced) and the active editor, and reveals a node's declaration when
// it is clicked. A witness (witness.ts) highlights the components and
// streams its two executions differ on, until the document changes.
import * as vscode from 'vscode';
import * as path from 'path';
import { makeNonce, renderGraphPage } from './graphPage';
import { findSymbol, nodeNames } from './symbols';
import { WitnessHighlight } from './witness';

export interface GraphServer {
  /** `workspace/executeCommand` `blazes.graph` [uri]: DOT text. */
  graph(uri: string): Promise<unknown>;
  documentSymbols(uri: string): Promise<unknown[] | null>;
  workspaceSymbols(query: string): Promise<unknown[] | null>;
}

export const UPDATE_DELAY_MS = 300;

export class GraphPanel implements vscode.Disposable {
  private static current: GraphPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  private highlight: WitnessHighlight | undefined;

  static show(
    extensionUri: vscode.Uri,
    server: () => GraphServer | undefined,
    uri: vscode.Uri,
    column: vscode.ViewColumn = vscode.ViewColumn.Beside,
  ): void {
    if (GraphPanel.current) {
      GraphPanel.current.setDocument(uri);
      GraphPanel.current.panel.reveal(column, true);
      return;
    }
    GraphPanel.current = new GraphPanel(extensionUri, server, uri, column);
  }

  /** Show uri's graph (opening the view if it is closed) with a witness's
   *  differing part highlighted. */
  static showWitness(
    extensionUri: vscode.Uri,
    server: () => GraphServer | undefined,
    uri: vscode.Uri,
    h: WitnessHighlight,
    column: vscode.ViewColumn,
  ): void {
    GraphPanel.show(extensionUri, server, uri, column);
    const p = GraphPanel.current;
    if (!p) return;
    p.highlight = h;
    p.postHighlight();
  }

  /** Re-render the open panel (after a server restart). */
  static refresh(): void {
    GraphPanel.current?.update();
  }

  private readonly panel: vscode.WebviewPanel;

  private constructor(
    extensionUri: vscode.Uri,
    private readonly server: () => GraphServer | undefined,
    private uri: vscode.Uri,
    column: vscode.ViewColumn,
  ) {
    const webviewRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(
      'blazes.graph',
      this.title(),
      { viewColumn: column, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [webviewRoot] },
    );
    const webview = this.panel.webview;
    webview.html = renderGraphPage({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      graphvizScriptUri: webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'graphviz.js')).toString(),
      pageScriptUri: webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'graph.js')).toString(),
      title: this.title(),
    });
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((m) => this.onMessage(m)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === this.uri.toString()) {
          // A witness was of the text before the edit.
          if (e.contentChanges.length > 0) this.clearHighlight();
          this.schedule();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && editor.document.languageId === 'blazes' && editor.document.uri.toString() !== this.uri.toString()) {
          this.setDocument(editor.document.uri);
        }
      }),
    );
  }

  private title(): string {
    return `Graph: ${path.basename(this.uri.path)}`;
  }

  private setDocument(uri: vscode.Uri): void {
    if (uri.toString() === this.uri.toString()) return;
    this.uri = uri;
    this.clearHighlight();
    this.panel.title = this.title();
    this.update();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.update(), UPDATE_DELAY_MS);
  }

  async update(): Promise<void> {
    const seq = ++this.seq;
    const server = this.server();
    if (!server) {
      void this.panel.webview.postMessage({ type: 'error', message: 'The Blazes language server is not running.' });
      return;
    }
    try {
      const dot = await server.graph(this.uri.toString());
      if (seq !== this.seq) return;
      if (typeof dot !== 'string' || !dot.includes('graph')) {
        throw new Error(`blazes.graph returned no DOT (${dot === null ? 'null' : typeof dot})`);
      }
      void this.panel.webview.postMessage({ type: 'dot', dot, title: this.title() });
      this.postHighlight();
    } catch (e) {
      if (seq === this.seq) {
        void this.panel.webview.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  private postHighlight(): void {
    const h = this.highlight;
    void this.panel.webview.postMessage(h ? { type: 'highlight', nodes: h.nodes, edges: h.edges, label: h.label } : { type: 'highlight' });
  }

  private clearHighlight(): void {
    if (!this.highlight) return;
    this.highlight = undefined;
    this.postHighlight();
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!m || typeof m !== 'object') return;
    const msg = m as { type?: string; name?: string };
    if (msg.type === 'ready') await this.update();
    else if (msg.type === 'reveal' && typeof msg.name === 'string') await this.reveal(msg.name);
  }

  private async reveal(name: string): Promise<void> {
    const server = this.server();
    if (!server) return;
    let hit = findSymbol(await server.documentSymbols(this.uri.toString()).catch(() => null), name);
    if (!hit) {
      const names = nodeNames(name);
      hit = findSymbol(await server.workspaceSymbols(names[names.length - 1]).catch(() => null), name);
    }
    if (!hit) {
      void vscode.window.showInformationMessage(`Blazes: no declaration of ${name} found.`);
      return;
    }
    const target = hit.uri ? vscode.Uri.parse(hit.uri) : this.uri;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString());
    const r = hit.range;
    await vscode.window.showTextDocument(target, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
      preserveFocus: false,
    });
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
