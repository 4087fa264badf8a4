// Finding a graph node's declaration among the symbols the server returns
// (textDocument/documentSymbol or workspace/symbol). Pure.

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export interface DocumentSymbolLike {
  name: string;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbolLike[];
}

export interface SymbolInformationLike {
  name: string;
  containerName?: string;
  location: { uri: string; range: Range };
}

export interface SymbolHit { uri?: string; range: Range }

function isDocumentSymbol(s: unknown): s is DocumentSymbolLike {
  return !!s && typeof s === 'object' && 'selectionRange' in s;
}

/** The names a node may be declared under: `Comp.iface` is also looked up
 *  as `Comp`, `blazes:Comp` (the DOT URL) as `Comp`. */
export function nodeNames(node: string): string[] {
  let n = node.trim();
  if (n.startsWith('blazes:')) n = n.slice('blazes:'.length);
  try { n = decodeURIComponent(n); } catch { /* keep as is */ }
  const names = [n];
  const dot = n.indexOf('.');
  if (dot > 0) names.push(n.slice(0, dot));
  return names;
}

/** The declaration of `node` in a documentSymbol or workspace/symbol result. */
export function findSymbol(symbols: readonly unknown[] | null | undefined, node: string): SymbolHit | undefined {
  if (!symbols) return undefined;
  for (const name of nodeNames(node)) {
    const stack = [...symbols];
    // Top-level first, so a component wins over an interface of the same name.
    const queue: unknown[] = stack;
    for (let i = 0; i < queue.length; i++) {
      const s = queue[i];
      if (isDocumentSymbol(s)) {
        if (s.name === name) return { range: s.selectionRange };
        if (s.children) queue.push(...s.children);
      } else if (s && typeof s === 'object' && 'location' in s) {
        const si = s as SymbolInformationLike;
        if (si.name === name) return { uri: si.location.uri, range: si.location.range };
      }
    }
  }
  return undefined;
}
