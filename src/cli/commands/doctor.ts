import path from 'node:path';
import chalk from 'chalk';
import type { Command } from 'commander';
import type { DoctorCheck, DoctorReport } from '../../core/doctor.js';
import { LaunchError } from '../../errors.js';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

interface DoctorOptions extends CommonOptions {
  secrets?: string;
}

export function registerDoctor(program: Command): void {
  addCommonOptions(
    program
      .command('doctor')
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
    const { packageVersion } = await import('../main.js');
    const launcher = {
      version: packageVersion(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    };
    ctx.print({ launcher, ...report }, () =>
      [
        `launch-agent ${launcher.version}, Node.js ${launcher.node}, ${launcher.platform}`,
        renderReport(report),
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

const marks: Record<DoctorCheck['status'], string> = {
  ok: chalk.green('ok  '),
  warn: chalk.yellow('warn'),
  fail: chalk.red('FAIL'),
};

export function renderReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines: string[] = [];
  const indent = ' '.repeat(width + 7);
  for (const check of report.checks) {
    // Multi-line details (config problems) stay in the detail column.
    const detail = check.detail
      .split('\n')
      .map((line) => line.trim())
      .join(`\n${indent}  `);
    lines.push(`${marks[check.status]} ${check.name.padEnd(width)}  ${detail}`);
    if (check.remedy && check.status !== 'ok') lines.push(`${indent}-> ${check.remedy}`);
  }
  const { ok, warn, fail } = report.summary;
  lines.push('', `${ok} ok, ${warn} warning(s), ${fail} failed`);
  return lines.join('\n');
}
