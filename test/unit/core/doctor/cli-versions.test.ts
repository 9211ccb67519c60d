import { describe, expect, it } from 'vitest';
import { cliVersions } from '../../../../src/core/doctor/host-deps.js';

describe("doctor's agents image detail", () => {
  it('shows installed vs newest where npm has a newer release, and how to get it', () => {
    expect(cliVersions({ claude: '2.1.0', codex: '0.9.1' }, { claude: '2.1.3', codex: '0.9.1' })).toBe(
      'claude 2.1.0 (newest 2.1.3: launch-agent images update), codex 0.9.1',
    );
  });

  it('shows the installed versions alone when the newest are unknown (offline)', () => {
    expect(cliVersions({ gemini: '0.61.0' }, {})).toBe('gemini 0.61.0');
    expect(cliVersions({}, { gemini: '0.61.0' })).toBeUndefined();
  });
});
