import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

const read = (name: string) => readFileSync(path.join(repoRoot, 'templates', name), 'utf8');

/** shortcut -> the launch-agent arguments it runs, with the repo placeholder as REPO. */
function bashShortcuts(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of text.split('\n')) {
    const fn = /^(\w+)\(\) \{ launch-agent (.*?) ?"\$@"; \}/.exec(line);
    if (fn) found.set(fn[1]!, fn[2]!.replace('"$(__la_repo)"', 'REPO'));
    const alias = /^alias (\w+)='launch-agent (.*)'$/.exec(line);
    if (alias) found.set(alias[1]!, alias[2]!);
  }
  return found;
}

function pwshShortcuts(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of text.split('\n')) {
    const fn = /^function (\w+) \{ launch-agent (.*?) ?@args \}$/.exec(line);
    if (fn) found.set(fn[1]!, fn[2]!.replace('(__LaRepo)', 'REPO'));
  }
  return found;
}

describe('templates/aliases.ps1', () => {
  it('has every shortcut of aliases.sh, running the same launch-agent arguments', () => {
    const bash = bashShortcuts(read('aliases.sh'));
    expect(bash.size).toBeGreaterThanOrEqual(10);
    expect(pwshShortcuts(read('aliases.ps1'))).toEqual(bash);
  });

  it('passes extra arguments by splatting (@args, one argument each), never $args (one array)', () => {
    const text = read('aliases.ps1');
    const functions = text.split('\n').filter((line) => /^function \w+ \{ launch-agent /.test(line));
    expect(functions.length).toBeGreaterThanOrEqual(10);
    for (const line of functions) expect(line).toMatch(/ @args \}$/);
    expect(text).not.toMatch(/\$args/);
  });

  it('finds the repo with git and falls back to the current folder, as aliases.sh does', () => {
    const text = read('aliases.ps1');
    expect(text).toContain('git rev-parse --show-toplevel 2>$null');
    expect(text).toMatch(/if \(\$LASTEXITCODE -eq 0 -and \$top\) \{ \$top \} else \{ '\.' \}/);
    // No bash syntax crept in.
    expect(text).not.toMatch(/"\$@"|\$\(|\bfi\b|\[ -n/);
  });
});
