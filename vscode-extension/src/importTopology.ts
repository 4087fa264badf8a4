// "Blazes: Import Topology…": the pure parts (formats, the server's answer);
// extension.ts asks for the file and format and calls the server.

/** The server command that imports a file beside itself. */
export const SERVER_COMMAND = 'blazes.importTopology';

export interface ImportFormat {
  format: string; // as the server and `blazes import --from` name it
  label: string;
  description: string;
  extensions: string[];
}

export const IMPORT_FORMATS: ImportFormat[] = [
  { format: 'flux', label: 'Storm Flux', description: 'topology YAML', extensions: ['yaml', 'yml'] },
  { format: 'kafka-streams', label: 'Kafka Streams', description: 'Topology.describe() text', extensions: ['txt'] },
  { format: 'flink', label: 'Flink', description: 'execution plan JSON (getExecutionPlan())', extensions: ['json'] },
];

/** The format a file's extension suggests, as the server guesses it. */
export function formatForPath(p: string): string | undefined {
  const m = /\.([^./\\]+)$/.exec(p);
  if (!m) return undefined;
  const ext = m[1].toLowerCase();
  return IMPORT_FORMATS.find((f) => f.extensions.includes(ext))?.format;
}

/** The formats in the order to offer them for a file: the guessed one first. */
export function formatChoices(p: string): ImportFormat[] {
  const guess = formatForPath(p);
  return [...IMPORT_FORMATS].sort((a, b) => Number(b.format === guess) - Number(a.format === guess));
}

/** The open dialog's filters: every format's extensions, then all files. */
export function openDialogFilters(): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  filters['Topology descriptions'] = IMPORT_FORMATS.flatMap((f) => f.extensions);
  for (const f of IMPORT_FORMATS) filters[`${f.label} (${f.description})`] = f.extensions;
  filters['All files'] = ['*'];
  return filters;
}

export interface ImportResult {
  uri: string;
  format: string;
  warnings: string[];
}

/** Checks the server's answer; undefined when it is not an import result. */
export function importResult(r: unknown): ImportResult | undefined {
  if (!r || typeof r !== 'object') return undefined;
  const o = r as Record<string, unknown>;
  if (typeof o.uri !== 'string' || !o.uri.startsWith('file:')) return undefined;
  const warnings = Array.isArray(o.warnings) ? o.warnings.filter((w): w is string => typeof w === 'string') : [];
  return { uri: o.uri, format: typeof o.format === 'string' ? o.format : '', warnings };
}
