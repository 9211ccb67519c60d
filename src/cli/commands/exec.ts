import type { Command } from 'commander';
import { addCommonOptions, CliContext } from '../context.js';
import { runSessionCommand, type SessionRunOptions } from '../session-command.js';

export function registerExec(program: Command): void {
  addCommonOptions(
    program
      .command('exec')
      .summary('run a command in /workspace')
      .description('run a command in /workspace with the agent environment; its exit code becomes ours')
      .argument('<name>', 'container name or unambiguous prefix')
      .argument(
        '<command...>',
        'the command and its arguments: launch-agent exec NAME git status (or after `--`)',
      )
      .option('-t, --tty', 'force a TTY')
      .option('-T, --no-tty', 'no TTY, even in a terminal')
      .option('-w, --workdir <dir>', 'working directory in the container', '/workspace')
      // Like `docker exec`: flags after NAME belong to the command (`exec NAME ls -la`).
      .passThroughOptions(),
  ).action(async (name: string, command: string[], options: SessionRunOptions) => {
    const cmd = command[0] === '--' ? command.slice(1) : command;
    await runSessionCommand(new CliContext(options), 'exec', name, cmd, options);
  });
}
