import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

interface PruneOptions extends CommonOptions {
  yes?: boolean;
  repo?: string;
}

export function registerPrune(program: Command): void {
  addCommonOptions(
    program
      .command('prune')
      .summary('remove stopped containers whose work is pushed')
      .description(
        'remove stopped containers whose work is all pushed, and what killed launches left behind (lists them without --yes)',
      )
      .option('-y, --yes', 'remove them')
      .option('--repo <name>', 'only containers of this repo (its folder name)'),
  ).action(async (options: PruneOptions) => {
    const ctx = new CliContext(options);
    const { pruneSessions } = await import('../../core/sessions/remove.js');
    const { commonDirOf } = await import('../../git/host-gate.js');
    const here = await commonDirOf(process.cwd());
    const result = await pruneSessions(await ctx.engine(), {
      yes: options.yes ?? false,
      ...(options.repo ? { repo: options.repo } : {}),
      ...(here ? { gitDirs: [here] } : {}),
    });
    ctx.print(result, () => {
      const lines: string[] = [];
      const verb = result.removed ? 'removed' : 'would remove';
      for (const r of result.removable)
        lines.push(`${verb} ${r.name}${r.volume ? ` and volume ${r.volume}` : ''}`);
      for (const l of result.leftovers) {
        const what = [
          l.container ? 'container' : '',
          l.volume ? `volume ${l.volume}` : '',
          l.hostGitDir ? 'host refs' : '',
        ]
          .filter(Boolean)
          .join(', ');
        lines.push(`${verb} ${l.name} (${l.state}: ${what})`);
      }
      for (const k of result.kept) {
        const why = k.error
          ? `cannot read its workspace: ${k.error}`
          : [
              k.unpushed?.length ? `${k.unpushed.length} unpushed commit(s)` : '',
              k.tagged?.length ? `${k.tagged.length} commit(s) only tags reach` : '',
              k.otherRefs?.length ? `${k.otherRefs.length} commit(s) only other refs reach` : '',
              k.uncommitted?.length ? `${k.uncommitted.length} uncommitted change(s)` : '',
            ]
              .filter(Boolean)
              .join(', ');
        lines.push(`keeping ${k.name}: ${why}`);
      }
      for (const session of result.strayEgress)
        lines.push(`${verb} the egress proxy and network of ${session} (its container is gone)`);
      if (lines.length === 0) lines.push('no stopped agent containers and nothing left over');
      else if (
        !result.removed &&
        result.removable.length + result.strayEgress.length + result.leftovers.length > 0
      )
        lines.push('run with --yes to remove them');
      return lines.join('\n');
    });
  });
}
