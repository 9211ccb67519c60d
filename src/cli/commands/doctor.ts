import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

export function registerDoctor(program: Command): void {
  addCommonOptions(program.command('doctor').description('check the engine, git, agent logins and secrets; say what to fix')).action(
    async (options: CommonOptions) => {
      const ctx = new CliContext(options);
      const { runDoctor } = await import('../../core/doctor.js');
      const engine = await ctx.engine();
      const report = await runDoctor({ engine });
      ctx.print(report, () => report.checks.map((c) => `${c.status.padEnd(4)} ${c.name}: ${c.detail}`).join('\n'));
      if (report.checks.some((c) => c.status === 'fail')) process.exitCode = 1;
    },
  );
}
