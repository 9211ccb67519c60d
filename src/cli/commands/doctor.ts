import path from 'node:path';
import type { Command } from 'commander';
import { LaunchError } from '../../errors.js';
import { packageVersion } from '../../util/package-root.js';
import { chalkFor } from '../colour.js';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

interface DoctorOptions extends CommonOptions {
  secrets?: string;
}

export function registerDoctor(program: Command): void {
  addCommonOptions(
    program
      .command('doctor')
      .summary('check the set-up and say what to fix')
      .description('check the engine, images, git, agent logins, secrets and VS Code; say what to fix')
      .option('--secrets <file>', 'check this secrets file instead of the default one'),
  ).action(async (options: DoctorOptions) => {
    const ctx = new CliContext(options);
    const { runDoctor } = await import('../../core/doctor.js');
    const { hostDoctorDeps } = await import('../../core/doctor/host-deps.js');
    const report = await runDoctor(
      hostDoctorDeps(
        () => ctx.engine(),
        options.secrets === undefined ? {} : { secretsFile: path.resolve(options.secrets) },
      ),
    );
    // Who is asking, for bug reports: the launcher, its Node.js and the OS.
    const { renderReport } = await import('./doctor-report.js');
    const chalk = await chalkFor(process.stdout);
    const launcher = {
      version: packageVersion(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    };
    ctx.print({ launcher, ...report }, () =>
      [
        `launch-agent ${launcher.version}, Node.js ${launcher.node}, ${launcher.platform}`,
        renderReport(report, chalk),
      ].join('\n'),
    );
    const failed = report.checks.filter((c) => c.status === 'fail');
    if (failed.length > 0) {
      throw new LaunchError(
        'CHECKS_FAILED',
        `${failed.length} check(s) failed: ${failed.map((c) => c.name).join(', ')}`,
        {
          hint: 'each failed check says what to do; run `launch-agent doctor` again after fixing it',
          reported: true,
        },
      );
    }
  });
}
