import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

export function registerStart(program: Command): void {
  addCommonOptions(
    program
      .command('start')
      .summary('start stopped containers again')
      .description(
        'start stopped containers again, workspace and agent state as they were (logins and secrets delivered again on an engine elsewhere)',
      )
      .argument('<names...>', 'container names or unambiguous prefixes'),
  ).action(async (names: string[], options: CommonOptions) => {
    const ctx = new CliContext(options);
    const { startSessions } = await import('../../core/sessions.js');
    const started = await startSessions({ engine: await ctx.engine() }, names);
    for (const warning of started.flatMap((s) => s.warnings ?? [])) ctx.logger.warn(warning);
    await ctx.ensureWatcher();
    ctx.print(started, () => started.map((s) => `started ${s.name}`).join('\n'));
  });
}
