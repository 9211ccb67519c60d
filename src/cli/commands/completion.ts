import type { Command } from 'commander';

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: bash, zsh or pwsh')
    .argument('<shell>', 'bash | zsh | pwsh')
    .action(async (shellName: string) => {
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
      process.stdout.write(completionScript(shell, spec));
    });
}
