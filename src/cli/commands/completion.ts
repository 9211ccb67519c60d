import type { Command } from 'commander';
import { LaunchError } from '../../errors.js';
import { COMPLETION_SHELLS, type CompletionShell } from '../completion/model.js';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

export function registerCompletion(program: Command): void {
  addCommonOptions(
    program
      .command('completion')
      .summary('print the tab-completion script of a shell')
      .description('print the tab-completion script for bash, zsh or pwsh (PowerShell 7.3+)')
      .argument('<shell>', COMPLETION_SHELLS.join(' | ')),
  ).action(async (shellName: string, options: CommonOptions) => {
    const ctx = new CliContext(options);
    const shell = parseShell(shellName);
    const { completionScript } = await import('../completion/scripts.js');
    const script = await completionScript(shell);
    ctx.print({ shell, script }, () => script);
  });
}

/** The scripts' side: `__complete SHELL -- WORDS...` prints the candidates for the last word. */
export function registerCompleteProtocol(program: Command): void {
  program
    .command('__complete', { hidden: true })
    .argument('<shell>')
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .action(async (shellName: string, words: string[]) => {
      const shell = parseShell(shellName);
      const { specOf } = await import('../completion/model.js');
      const { complete, formatCompletion, joinBashWords } = await import('../completion/complete.js');
      const joined = shell === 'bash' ? joinBashWords(words) : { words, trim: '' };
      const result = await complete(specOf(program), joined.words.length ? joined.words : [''], {
        sessions: () => sessionCandidates(new CliContext({})),
      });
      // Exit at once: a container lookup that timed out may still hold a socket open.
      process.stdout.write(`${formatCompletion(result, joined.trim)}\n`, () => process.exit(0));
    });
}

/** Container names for a TAB: bounded, since an engine that does not answer must not hang the shell. */
async function sessionCandidates(ctx: CliContext) {
  const { findSessions } = await import('../../core/sessions.js');
  const engine = await ctx.engine();
  const sessions = await Promise.race([
    findSessions(engine, { all: true }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000).unref()),
  ]);
  return sessions.map((s) => ({ value: s.name, description: `${s.agent}, ${s.repo}, ${s.state}` }));
}

function parseShell(value: string): CompletionShell {
  const shell = value === 'powershell' ? 'pwsh' : value;
  if ((COMPLETION_SHELLS as readonly string[]).includes(shell)) return shell as CompletionShell;
  throw new LaunchError(
    'USAGE',
    `completion needs one of ${COMPLETION_SHELLS.join(', ')}, got \`${value}\``,
    {
      hint: 'eval "$(launch-agent completion bash)"  # in ~/.bashrc',
    },
  );
}
