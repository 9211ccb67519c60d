import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';
import { formatAge, table } from '../table.js';

interface ListOptions extends CommonOptions {
  all?: boolean;
  quiet?: boolean;
  repo?: string;
}

export function registerList(program: Command): void {
  addCommonOptions(
    program
      .command('list')
      .summary('agent containers, their unpushed and uncommitted work')
      .alias('ls')
      .description('list agent containers: what each agent is doing, unpushed commits, uncommitted changes')
      .option('--all', 'include stopped containers and what killed launches left behind')
      .option('-q, --quiet', 'print names only (no git checks)')
      .option('--repo <name>', 'only containers of this repo (its folder name)'),
  ).action(async (options: ListOptions) => {
    const ctx = new CliContext(options);
    const core = await import('../../core/sessions.js');
    const engine = await ctx.engine();
    const filter = { all: options.all ?? false, ...(options.repo ? { repo: options.repo } : {}) };
    if (options.quiet) {
      const sessions = await core.findSessions(engine, filter);
      ctx.print(
        sessions.map((s) => s.name),
        () => sessions.map((s) => s.name).join('\n'),
      );
      return;
    }
    const here = options.all
      ? await (await import('../../git/host-gate.js')).commonDirOf(process.cwd())
      : undefined;
    const items = await core.listSessions({ engine }, { ...filter, ...(here ? { gitDirs: [here] } : {}) });
    if (items.some((s) => s.running)) await ctx.ensureWatcher();
    ctx.print(items, () => {
      if (items.length === 0)
        return options.all ? 'no agent containers' : 'no running agent containers (--all shows stopped ones)';
      return table(
        ['NAME', 'AGENT', 'REPO', 'BRANCH', 'STATUS', 'ACTIVITY', 'AGE', 'AHEAD', 'UNCOMMITTED'],
        items.map((s) => [
          s.name,
          s.agent,
          s.repo,
          s.branch,
          s.launch === 'ready' || s.launch === 'leftover' ? s.state : `${s.state} (${s.launch})`,
          activityText(s),
          s.launch === 'leftover' ? '-' : formatAge(s.ageSeconds),
          s.ahead === null ? '-' : String(s.ahead),
          s.uncommitted === null ? '-' : s.uncommitted ? 'yes' : 'no',
        ]),
      );
    });
  });
}

function activityText(item: { activity: string | null; exitCode: number | null; running: boolean }): string {
  if (item.activity === 'exited') return item.exitCode === null ? 'exited' : `exited (${item.exitCode})`;
  return item.activity ?? (item.running ? 'not started' : '-');
}
