/**
 * Best-effort `line:column` of a dot path in TOML text (smol-toml reports positions only for
 * syntax errors): the first table header or key line that matches the most of the path.
 */
export function locate(text: string, path: string[]): { line: number; column: number } | undefined {
  let table: string[] = [];
  let best: { line: number; column: number; depth: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const header = /^(\s*)\[\[?([^\]]+)\]\]?/.exec(raw);
    let keyPath: string[] | undefined;
    let column = 1;
    if (header) {
      table = splitKey(header[2] ?? '');
      keyPath = table;
      column = (header[1]?.length ?? 0) + 1;
    } else {
      const assignment = /^(\s*)([A-Za-z0-9_\-."' ]+?)\s*=/.exec(raw);
      if (assignment) {
        keyPath = [...table, ...splitKey(assignment[2] ?? '')];
        column = (assignment[1]?.length ?? 0) + 1;
      }
    }
    if (!keyPath) continue;
    // A line defining `a.b.c` also locates `a.b` (dotted keys); the first deepest match wins.
    const depth = Math.min(keyPath.length, path.length);
    if (!path.slice(0, depth).every((k, i) => k === keyPath[i])) continue;
    if (!best || depth > best.depth) best = { line: index + 1, column, depth };
  }
  return best && { line: best.line, column: best.column };
}

function splitKey(key: string): string[] {
  const parts: string[] = [];
  for (const match of key.matchAll(/\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*\.?/g)) {
    parts.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return parts;
}
