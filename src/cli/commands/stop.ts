import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

interface StopOptions extends CommonOptions {
  all?: boolean;
  time?: string;
}

export function registerStop(program: Command): void {
  addCommonOptions(
    program
      .command('stop')
      .summary('stop containers (their work stays)')
      .description('stop containers; the workspace and agent state stay for `start`')
      .argument('[names...]', 'container names or unambiguous prefixes')
      .option('--all', 'stop every running agent container')
      .option('--time <seconds>', 'seconds to wait before killing', '10'),
  ).action(async (names: string[], options: StopOptions) => {
    const ctx = new CliContext(options);
    const { LaunchError } = await import('../../errors.js');
    if (names.length === 0 && !options.all) {
      throw new LaunchError('USAGE', 'stop needs a container name or --all', {
        hint: 'launch-agent list shows the names',
      });
    }
    if (names.length > 0 && options.all) throw new LaunchError('USAGE', 'give names or --all, not both');
    const timeoutSeconds = Number(options.time ?? '10');
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0) {
      throw new LaunchError('USAGE', `--time must be a whole number of seconds, got \`${options.time}\``);
    }
    const { stopSessions } = await import('../../core/sessions.js');
    const engine = await ctx.engine();
    const stopped = await stopSessions({ engine }, options.all ? { all: true } : { names }, {
      timeoutSeconds,
    });
    ctx.print(stopped, () =>
      stopped.length === 0 ? 'nothing running' : stopped.map((s) => `stopped ${s.name}`).join('\n'),
    );
  });
}
