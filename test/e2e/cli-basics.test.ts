import { describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';

describe('launch-agent basics', () => {
  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('doctor --json reports the real engine', async () => {
    const result = await runCli(['doctor', '--json']);
    const report = parseJson<{ checks: Array<{ name: string; status: string; detail: string }> }>(result);
    const engine = report.checks.find((c) => c.name === 'engine');
    expect(engine?.status).toBe('ok');
    expect(engine?.detail).toMatch(/Docker|Podman/);
  });
});
