import type { Command } from 'commander';
import { addCommonOptions, CliContext } from '../context.js';
import { runSessionCommand, type SessionRunOptions } from '../session-command.js';

export function registerShell(program: Command): void {
  addCommonOptions(
    program
      .command('shell')
      .summary('bash in /workspace, as the agent user')
      .description('open bash in /workspace as the agent user, secrets loaded')
      .argument('<name>', 'container name or unambiguous prefix')
      .option('-t, --tty', 'force a TTY')
      .option('-T, --no-tty', 'no TTY, even in a terminal'),
  ).action(async (name: string, options: SessionRunOptions) => {
    await runSessionCommand(new CliContext(options), 'shell', name, [], options);
  });
}
