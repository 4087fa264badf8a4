// The status-bar text for the active document, from the diagnostics VS Code
// holds for it. Pure: counts what the server published, decides nothing.

export interface DiagnosticLike {
  source?: string;
  /** vscode.DiagnosticSeverity: Error 0, Warning 1, Information 2, Hint 3. */
  severity: number;
}

export interface StatusText {
  text: string;
  tooltip: string;
  findings: number;
}

const NAMES = ['error', 'warning', 'information', 'hint'];

export function statusFor(diagnostics: readonly DiagnosticLike[]): StatusText {
  const ours = diagnostics.filter((d) => d.source === 'blazes');
  if (ours.length === 0) {
    return { text: '$(check) Blazes: coordination-free', tooltip: 'Blazes: no findings in this file', findings: 0 };
  }
  const counts = [0, 0, 0, 0];
  for (const d of ours) counts[Math.min(Math.max(d.severity, 0), 3)]++;
  const parts = counts
    .map((n, i) => (n ? `${n} ${NAMES[i]}${n === 1 || i === 2 ? '' : 's'}` : ''))
    .filter(Boolean);
  return {
    text: `$(warning) Blazes: ${ours.length} finding${ours.length === 1 ? '' : 's'}`,
    tooltip: `Blazes: ${parts.join(', ')} — click to open the Problems view`,
    findings: ours.length,
  };
}
