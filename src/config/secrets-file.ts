import { readFileSync } from 'node:fs';

export interface SecretEntry {
  key: string;
  value: string;
}

/**
 * The `KEY=VALUE` and `export KEY="VALUE"` lines of a secrets file (the format the container
 * sources); comments, blank and other lines are skipped, surrounding quotes dropped. Pure.
 */
export function parseSecretsFile(text: string): SecretEntry[] {
  const entries: SecretEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const value = match[2]!.replace(/^(["'])(.*)\1$/, '$2');
    entries.push({ key: match[1]!, value });
  }
  return entries;
}

/**
 * Lines the container's entrypoint would skip (images/agents/launch-agent-entrypoint), by its
 * rules: a line that is not blank, a comment or `[export ]KEY=VALUE`, or whose KEY is not a
 * variable name. Line numbers start at 1.
 */
export function secretsFileProblems(text: string): Array<{ line: number; message: string }> {
  const problems: Array<{ line: number; message: string }> = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim().replace(/^export\s+/, '');
    if (line === '' || raw.trim().startsWith('#')) return;
    const equals = line.indexOf('=');
    if (equals < 0) {
      problems.push({ line: index + 1, message: 'ignored, expected KEY=VALUE' });
    } else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(line.slice(0, equals).trim())) {
      problems.push({ line: index + 1, message: 'ignored, not a variable name' });
    }
  });
  return problems;
}

/** The values in a secrets file, or none when it cannot be read (its absence is not an error here). */
export function readSecretValues(file: string): string[] {
  try {
    return parseSecretsFile(readFileSync(file, 'utf8')).map((e) => e.value);
  } catch {
    return [];
  }
}
