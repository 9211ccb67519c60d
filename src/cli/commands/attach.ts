import type { Command } from 'commander';
import { addCommonOptions, CliContext } from '../context.js';
import { runSessionCommand, type SessionRunOptions } from '../session-command.js';

export function registerAttach(program: Command): void {
  addCommonOptions(
    program
      .command('attach')
      .description("start the agent's interactive session in the container")
      .argument('<name>', 'container name or unambiguous prefix')
      .option('-t, --tty', 'force a TTY')
      .option('-T, --no-tty', 'no TTY, even in a terminal'),
  ).action(async (name: string, options: SessionRunOptions) => {
    await runSessionCommand(new CliContext(options), 'attach', name, [], options);
  });
}
