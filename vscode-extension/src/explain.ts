// Turning the result of `blazes.explain` into text to show. Pure.

/** The server answers a string (markdown), a MarkupContent, a Hover-like
 *  `{contents}`, or null when there is nothing to explain at the cursor. */
export function explainText(result: unknown): string | undefined {
  if (result === null || result === undefined) return undefined;
  if (typeof result === 'string') return result.trim() ? result : undefined;
  if (Array.isArray(result)) {
    const parts = result.map(explainText).filter((p): p is string => !!p);
    return parts.length ? parts.join('\n\n') : undefined;
  }
  if (typeof result === 'object') {
    const o = result as Record<string, unknown>;
    if (typeof o.value === 'string') return explainText(o.value);
    if ('contents' in o) return explainText(o.contents);
    if (typeof o.markdown === 'string') return explainText(o.markdown);
    if (typeof o.text === 'string') return explainText(o.text);
  }
  return undefined;
}

/** A one-line summary for the information message shown with the document. */
export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.replace(/^#+\s*/, '').replace(/[*_`]/g, '').trim();
}
