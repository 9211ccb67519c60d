import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

interface SyncOptions extends CommonOptions {
  watch?: boolean;
}

/** `sync`: the way back on demand; `--watch` is the background watcher the launcher starts. */
export function registerSync(program: Command): void {
  addCommonOptions(
    program
      .command('sync')
      .summary('bring pushed branches into your repo now')
      .description(
        "bring the agents' pushed branches into the host repo now (the watcher does it within seconds)",
      )
      .argument('[names...]', 'container names or prefixes (default: every running session)')
      .option(
        '--watch',
        'keep doing it for every session as pushes arrive (the launcher starts this in the background)',
      ),
  ).action(async (names: string[], options: SyncOptions) => {
    const ctx = new CliContext(options);
    const engine = await ctx.engine();
    if (options.watch) {
      const { runWatcher } = await import('../../core/gate/run-watcher.js');
      await runWatcher(engine);
      return;
    }
    const { syncSessions } = await import('../../core/gate/sync-all.js');
    const { describeBranch, repoShown } = await import('../../core/gate/sync.js');
    const results = await syncSessions(engine, names);
    await ctx.ensureWatcher();
    ctx.print(results, () => {
      if (results.length === 0) return 'no running agent containers to sync';
      return results
        .flatMap((r) => {
          if (r.error) return [`${r.name}: ${r.error}`];
          if (r.branches.length === 0) return [`${r.name}: nothing pushed yet`];
          return r.branches.map((b) => `${r.name}: ${describeBranch(b, repoShown(r.repo))}`);
        })
        .join('\n');
    });
    if (results.some((r) => r.error)) process.exitCode = 1;
  });
}
