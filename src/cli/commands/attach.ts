import type { Command } from 'commander';
import { CliContext } from '../context.js';
import { runSessionCommand, type SessionRunOptions } from '../session-command.js';

export function registerAttach(program: Command): void {
  program
    .command('attach')
    .description("start the agent's interactive session in the container")
    .argument('<name>', 'container name or unambiguous prefix')
    .option('-t, --tty', 'force a TTY')
    .option('-T, --no-tty', 'no TTY, even in a terminal')
    .option('--verbose', 'log details on stderr')
    .action(async (name: string, options: SessionRunOptions) => {
      await runSessionCommand(new CliContext(options), 'attach', name, [], options);
    });
}
