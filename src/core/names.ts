import { LaunchError } from '../errors.js';

/** Docker container names: [a-zA-Z0-9][a-zA-Z0-9_.-]*; we also lowercase for predictability. */
export function dockerSafe(text: string): string {
  const safe = text
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z0-9]+|[-_.]+$/g, '');
  return safe || 'repo';
}

export function containerName(agent: string, repo: string, feature: string | undefined): string {
  const name = [agent, dockerSafe(repo), feature === undefined ? undefined : dockerSafe(feature)]
    .filter(Boolean)
    .join('-');
  return name.slice(0, 120).replace(/[-_.]+$/, '');
}

/** A feature becomes the branch `<agent>/<feature>`: it must be a valid git ref part. */
export function validateFeature(feature: string): string {
  const trimmed = feature.trim();
  const bad =
    trimmed === '' ||
    /[\s~^:?*[\\]/.test(trimmed) ||
    hasControlCharacter(trimmed) ||
    trimmed.includes('..') ||
    trimmed.includes('@{') ||
    trimmed.includes('//') ||
    /^[/.-]|[/.]$|\.lock$|\/\.|\.lock\//.test(trimmed);
  if (bad) {
    throw new LaunchError('USAGE', `--branch must be usable as a git branch name part, got \`${feature}\``, {
      hint: 'use letters, digits, `-`, `_`, `.` and `/`, e.g. -b fix-login',
    });
  }
  return trimmed;
}

/** A short unique id for launches without -b: 6 base-36 characters. */
export function shortId(random: () => number = Math.random): string {
  let id = '';
  for (let i = 0; i < 6; i += 1) id += Math.floor(random() * 36).toString(36);
  return id;
}

function hasControlCharacter(text: string): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
