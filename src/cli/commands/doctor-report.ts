import type { ChalkInstance } from 'chalk';
import type { DoctorCheck, DoctorReport } from '../../core/doctor.js';

/** doctor's human output, coloured by `chalk` (src/cli/colour.ts decides whether it colours). */
export function renderReport(report: DoctorReport, chalk: ChalkInstance): string {
  const marks: Record<DoctorCheck['status'], string> = {
    ok: chalk.green('ok  '),
    warn: chalk.yellow('warn'),
    fail: chalk.red('FAIL'),
  };
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
