import { readFile } from 'node:fs/promises';
import { packagePath } from '../../util/package-root.js';
import type { CompletionShell } from './model.js';

/** templates/completion.<ext>: `init` also puts them beside aliases.sh, which loads them. */
export const COMPLETION_FILES: Record<CompletionShell, string> = {
  bash: 'completion.bash',
  zsh: 'completion.zsh',
  pwsh: 'completion.ps1',
};

/**
 * The scripts are small and fixed: at each TAB they ask `launch-agent __complete`, which knows
 * every command, flag and container. So loading one starts no process, and an upgrade of
 * launch-agent needs no new script.
 */
export function completionScript(shell: CompletionShell): Promise<string> {
  return readFile(packagePath('templates', COMPLETION_FILES[shell]), 'utf8');
}
