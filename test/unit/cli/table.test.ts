import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, table } from '../../../src/cli/table.js';

describe('table', () => {
  it('aligns columns without trailing spaces', () => {
    expect(
      table(
        ['NAME', 'AHEAD', 'UNCOMMITTED'],
        [
          ['claude-app', '0', 'no'],
          ['c', '12', 'yes'],
        ],
      ),
    ).toBe(['NAME        AHEAD  UNCOMMITTED', 'claude-app  0      no', 'c           12     yes'].join('\n'));
  });
});

describe('formatAge', () => {
  it('uses the largest whole unit', () => {
    expect([5, 59, 60, 3599, 3600, 86_399, 86_400, 200_000].map(formatAge)).toEqual([
      '5s',
      '59s',
      '1m',
      '59m',
      '1h',
      '23h',
      '1d',
      '2d',
    ]);
  });
});

describe('formatBytes', () => {
  it('uses binary units with one decimal below 10', () => {
    expect([512, 1536, 230 * 1024 ** 2, 4 * 1024 ** 3].map(formatBytes)).toEqual([
      '512B',
      '1.5KiB',
      '230MiB',
      '4.0GiB',
    ]);
  });
});
