import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

interface WaitOptions extends CommonOptions {
  timeout?: string;
  bell?: boolean;
}

export function registerWait(program: Command): void {
  addCommonOptions(
    program
      .command('wait')
      .summary('return when the agent needs you, or exits')
      .description(
        "block while the agent works: until it waits for the user or exits (exit code = the agent's then)",
      )
      .argument('<name>', 'container name or unambiguous prefix')
      .option('--timeout <seconds>', 'give up after this long (exit 124)')
      .option('--bell', "ring this terminal's bell when it returns (the agent needs you)"),
  ).action(async (name: string, options: WaitOptions) => {
    const ctx = new CliContext(options);
    const { LaunchError } = await import('../../errors.js');
    const seconds = options.timeout === undefined ? undefined : Number(options.timeout);
    if (seconds !== undefined && !(seconds > 0)) {
      throw new LaunchError(
        'USAGE',
        `--timeout must be a positive number of seconds, got \`${options.timeout}\``,
      );
    }
    const core = await import('../../core/sessions.js');
    const { waitForAgent } = await import('../../core/sessions/activity.js');
    const engine = await ctx.engine();
    const session = await core.resolveSession(engine, name);
    const result = await waitForAgent(engine, session, {
      ...(seconds === undefined ? {} : { timeoutMs: seconds * 1000 }),
    });
    ctx.print(result, () =>
      result.activity === 'exited'
        ? `${result.name}: the agent exited${result.exitCode === null ? '' : ` (code ${result.exitCode})`}`
        : `${result.name}: the agent is ${result.activity}`,
    );
    // On stderr: stdout stays the result (or the JSON document).
    if (options.bell) process.stderr.write('\x07');
    process.exitCode = result.activity === 'exited' ? (result.exitCode ?? 1) : 0;
  });
}
