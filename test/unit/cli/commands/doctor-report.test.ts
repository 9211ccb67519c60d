import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../../src/cli/commands/doctor-report.js';
import type { DoctorReport } from '../../../../src/core/doctor.js';

describe('doctor human output', () => {
  it('one aligned line per check, the remedy under warnings and failures, multi-line details indented', () => {
    const report: DoctorReport = {
      ok: false,
      summary: { ok: 1, warn: 1, fail: 1 },
      checks: [
        { name: 'engine', status: 'ok', detail: 'Docker 27.3.1', remedy: 'not shown for ok' },
        { name: 'code', status: 'warn', detail: '`code` is not on PATH', remedy: 'install VS Code' },
        {
          name: 'config',
          status: 'fail',
          detail: 'invalid config (2 problems):\n  a.toml:1:1 x\n  a.toml:2:1 y',
          remedy: 'fix the places above',
        },
      ],
    };
    expect(renderReport(report, new Chalk({ level: 1 }))).toContain('\u001b[32mok  \u001b[39m engine');
    expect(renderReport(report, new Chalk({ level: 0 }))).toBe(
      [
        'ok   engine  Docker 27.3.1',
        'warn code    `code` is not on PATH',
        '             -> install VS Code',
        'FAIL config  invalid config (2 problems):',
        '               a.toml:1:1 x',
        '               a.toml:2:1 y',
        '             -> fix the places above',
        '',
        '1 ok, 1 warning(s), 1 failed',
      ].join('\n'),
    );
  });
});
