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

/** The values in a secrets file, or none when it cannot be read (its absence is not an error here). */
export function readSecretValues(file: string): string[] {
  try {
    return parseSecretsFile(readFileSync(file, 'utf8')).map((e) => e.value);
  } catch {
    return [];
  }
}
