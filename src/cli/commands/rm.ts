import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

interface RmOptions extends CommonOptions {
  force?: boolean;
}

export function registerRm(program: Command): void {
  addCommonOptions(
    program
      .command('rm')
      .summary('remove containers; refuses while work is unpushed')
      .alias('remove')
      .description(
        'remove containers and their workspace volumes (or what a killed launch left under that name); refuses while work is not pushed',
      )
      .argument('<names...>', 'container names or unambiguous prefixes')
      .option('--force', 'remove even with unpushed commits or uncommitted changes (they are lost)'),
  ).action(async (names: string[], options: RmOptions) => {
    const ctx = new CliContext(options);
    const { removeSessions } = await import('../../core/sessions/remove.js');
    const { commonDirOf } = await import('../../git/host-gate.js');
    const here = await commonDirOf(process.cwd());
    const removed = await removeSessions(await ctx.engine(), names, {
      force: options.force ?? false,
      ...(here ? { gitDirs: [here] } : {}),
    });
    ctx.print(removed, () =>
      removed
        .map(
          (r) =>
            `removed ${r.name}${r.leftover ? ` (${r.leftover})` : ''}${r.volume ? ` and volume ${r.volume}` : ''}`,
        )
        .join('\n'),
    );
  });
}
