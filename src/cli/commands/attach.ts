import type { Command } from 'commander';
import { splitAgentArgs } from '../agent-args.js';
import { addCommonOptions, CliContext } from '../context.js';
import type { SessionRunOptions } from '../session-command.js';

export function registerAttach(program: Command): void {
  addCommonOptions(
    program
      .command('attach')
      .summary("back into the agent's session")
      .description(
        "join the agent's terminal session (starting the agent when none runs); Ctrl-] leaves it running",
      )
      .argument('<name>', 'container name or unambiguous prefix')
      .argument('[agent-args...]', 'after `--`: arguments for the agent, used when attach starts it')
      .option('-t, --tty', 'force a TTY')
      .option('-T, --no-tty', 'no TTY: start the agent if none runs, and return'),
  ).action(async (name: string, rest: string[], options: SessionRunOptions, command: Command) => {
    const { agentArgs } = splitAgentArgs(rest, command, 0);
    const { runAttach } = await import('../session-command.js');
    await runAttach(new CliContext(options), name, agentArgs, options);
  });
}
