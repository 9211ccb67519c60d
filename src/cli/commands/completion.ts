import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

export function registerCompletion(program: Command): void {
  addCommonOptions(
    program
      .command('completion')
      .description('print a shell completion script: bash, zsh or pwsh')
      .argument('<shell>', 'bash | zsh | pwsh'),
  ).action(async (shellName: string, options: CommonOptions) => {
    const ctx = new CliContext(options);
    const { completionScript, parseShell } = await import('../../core/sessions/completion.js');
    const shell = parseShell(shellName);
    const longFlags = (c: Command) => c.options.map((o) => o.long).filter((f): f is string => Boolean(f));
    const spec = {
      program: program.name(),
      rootOptions: longFlags(program),
      commands: program.commands.map((c) => ({
        name: c.name(),
        aliases: c.aliases(),
        description: c.description(),
        options: [...longFlags(c), '--help'],
      })),
    };
    const script = completionScript(shell, spec);
    ctx.print({ shell, script }, () => script);
  });
}
