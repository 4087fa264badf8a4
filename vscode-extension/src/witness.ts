// The "Show a witness" code action's command, `blazes.witness`, as the
// extension runs it: it asks the server for the witness as JSON (the
// server computes which components and streams the two executions differ
// on), shows the trace, and gives the graph view what to highlight. Pure:
// no vscode.

export const WITNESS_COMMAND = 'blazes.witness';

/** What the graph view highlights: node ids (components) and edge ids
 *  (streams, "From.iface -> To.iface") of blazes.graph's DOT. */
export interface WitnessHighlight {
  nodes: string[];
  edges: string[];
  /** The legend's text for the highlight. */
  label: string;
}

export interface WitnessView {
  /** The trace, as markdown. */
  markdown: string;
  /** The finding, "Count: words -> counts", or undefined for an older server. */
  name?: string;
  /** Undefined when no witness was found or the server answered markdown only. */
  highlight?: WitnessHighlight;
}

/** The server's arguments for a code action's [uri, component, path]
 *  (with or without an options object): the same finding, answered as
 *  JSON, shown by the extension rather than by the server. */
export function witnessArguments(args: readonly unknown[]): unknown[] {
  const out = [...args];
  const last = out[out.length - 1];
  let opts: Record<string, unknown> = {};
  if (out.length > 3 && last && typeof last === 'object' && !Array.isArray(last)) {
    opts = last as Record<string, unknown>;
    out.pop();
  }
  return [...out, { ...opts, show: false, format: 'json' }];
}

const KIND_TEXT: Record<string, string> = {
  runs: 'where two runs differ',
  replicas: 'where two replicas differ',
  routings: 'where two routings differ',
};

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The highlight of a witness entry (the JSON of `blazes witness --format
 *  json`): the components and streams of its `differing` part. */
export function highlightOf(entry: unknown): WitnessHighlight | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const e = entry as Record<string, unknown>;
  const d = e.differing as Record<string, unknown> | undefined;
  if (!d || typeof d !== 'object') return undefined;
  const nodes = strings(d.components);
  const edges = strings(d.streams);
  if (nodes.length === 0 && edges.length === 0) return undefined;
  const kind = typeof e.kind === 'string' && KIND_TEXT[e.kind] ? KIND_TEXT[e.kind] : 'where two executions differ';
  const what = typeof e.component === 'string' && typeof e.path === 'string' ? ` (${e.component}: ${e.path})` : '';
  return { nodes, edges, label: `Witness: ${kind}${what}` };
}

/** Reads the server's answer: {witness, searched, markdown} for
 *  {"format": "json"}, or the markdown string of a server without it. */
export function witnessResult(answer: unknown): WitnessView | undefined {
  if (typeof answer === 'string') return answer.trim() ? { markdown: answer } : undefined;
  if (!answer || typeof answer !== 'object') return undefined;
  const a = answer as Record<string, unknown>;
  if (typeof a.markdown !== 'string' || !a.markdown.trim()) return undefined;
  const w = a.witness as Record<string, unknown> | null | undefined;
  const name = w && typeof w.component === 'string' && typeof w.path === 'string' ? `${w.component}: ${w.path}` : undefined;
  return { markdown: a.markdown, name, highlight: highlightOf(w) };
}
