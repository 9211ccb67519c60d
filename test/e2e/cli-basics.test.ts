import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { parseJson, runCli } from '../helpers/cli.js';

describe('launch-agent basics', () => {
  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help lists every command', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    const names = buildProgram().commands.map((c) => c.name());
    expect(names).toContain('doctor');
    const listed = result.stdout.slice(result.stdout.indexOf('Commands:'));
    for (const name of names) expect(listed).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('an unknown option is a usage error (exit 2) without a stack', async () => {
    const result = await runCli(['doctor', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--no-such-flag'");
    expect(result.stderr).not.toContain('    at ');
    const json = await runCli(['doctor', '--json', '--no-such-flag']);
    expect(json.code).toBe(2);
    expect(parseJson(json)).toEqual({
      error: { code: 'USAGE', message: "unknown option '--no-such-flag'", hint: null },
    });
  });

  it('error output masks the tokens it knows: agent token variables and the secrets file', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-mask-'));
    try {
      const fromEnv = `ghp_${randomBytes(8).toString('hex')}`;
      const fromFile = `sk-ant-oat01-${randomBytes(8).toString('hex')}`;
      mkdirSync(path.join(home, '.config', 'launch-agent'), { recursive: true });
      writeFileSync(
        path.join(home, '.config', 'launch-agent', 'secrets.env'),
        // A short setting is not a token: masking `agent` would garble the message below.
        `export CLAUDE_CODE_OAUTH_TOKEN="${fromFile}"\nMODE=agent\n`,
        {
          mode: 0o600,
        },
      );
      const env = { HOME: home, XDG_CONFIG_HOME: '', LAUNCH_AGENT_CONFIG_DIR: '', GH_TOKEN: fromEnv };
      for (const token of [fromEnv, fromFile]) {
        const human = await runCli(['logs', token], { env });
        expect(human.code).toBe(4);
        expect(human.stderr).toContain('no agent container named `********`');
        const json = await runCli(['logs', token, '--json'], { env });
        expect(`${json.stdout}${json.stderr}`).not.toContain(token);
        expect(parseJson<{ error: { code: string } }>(json).error.code).toBe('CONTAINER_NOT_FOUND');
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('doctor --json reports the real engine', async () => {
    const result = await runCli(['doctor', '--json']);
    const report = parseJson<{ checks: Array<{ name: string; status: string; detail: string }> }>(result);
    const engine = report.checks.find((c) => c.name === 'engine');
    expect(engine?.status).toBe('ok');
    expect(engine?.detail).toMatch(/Docker|Podman/);
  });
});
