import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';
import { formatAge, formatBytes, table } from '../table.js';

export function registerStats(program: Command): void {
  addCommonOptions(
    program
      .command('stats')
      .summary('CPU, memory, processes, network, uptime')
      .description('CPU, memory against its limit, PIDs, network and uptime of running containers')
      .argument('[name]', 'one container (default: every running one)'),
  ).action(async (name: string | undefined, options: CommonOptions) => {
    const ctx = new CliContext(options);
    const { sessionStats } = await import('../../core/sessions.js');
    const stats = await sessionStats({ engine: await ctx.engine() }, name);
    ctx.print(stats, () => {
      if (stats.length === 0) return 'no running agent containers';
      const rows = table(
        ['NAME', 'CPU', 'MEMORY', 'PIDS', 'WORKSPACE', 'NET RX/TX', 'UPTIME'],
        stats.map((s) => [
          s.name,
          s.measured ? `${s.cpuPercent.toFixed(1)}%` : '-',
          !s.measured
            ? '-'
            : s.memoryLimitBytes > 0
              ? `${formatBytes(s.memoryBytes)} / ${formatBytes(s.memoryLimitBytes)} (${s.memoryPercent}%)`
              : formatBytes(s.memoryBytes),
          !s.measured ? '-' : s.pidsLimit > 0 ? `${s.pids} / ${s.pidsLimit}` : String(s.pids),
          s.workspaceBytes === null ? '-' : formatBytes(s.workspaceBytes),
          `${formatBytes(s.networkRxBytes)} / ${formatBytes(s.networkTxBytes)}`,
          formatAge(s.uptimeSeconds),
        ]),
      );
      return stats.every((s) => s.measured)
        ? rows
        : `${rows}\n- : the engine cannot measure it (a rootless engine on cgroup v1 has no cgroup per container)`;
    });
  });
}
