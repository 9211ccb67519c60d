import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { binPath, parseJson, runCli } from '../helpers/cli.js';

describe('launch-agent basics', () => {
  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help lists every command before the options, and `help` and `version` are commands', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    const names = buildProgram()
      .commands.filter((c) => !c.name().startsWith('__'))
      .map((c) => c.name());
    expect(names).toContain('doctor');
    const commands = result.stdout.slice(0, result.stdout.indexOf('Source and branch:'));
    for (const name of [...names, 'help']) expect(commands).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(result.stdout).not.toContain('__complete');
    // Not a terminal: 80 columns.
    expect(Math.max(...result.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);

    const help = await runCli(['help']);
    expect(help).toEqual(result);
    const helpList = await runCli(['help', 'list']);
    expect(helpList.code).toBe(0);
    expect(helpList.stdout).toMatch(/^Usage: launch-agent list\|ls /);
    expect(helpList.stdout).toContain('Examples:');
    expect(helpList.stdout).toEqual((await runCli(['list', '--help'])).stdout);

    const version = await runCli(['version']);
    expect(version.stdout).toBe((await runCli(['--version'])).stdout);
    expect(parseJson<{ version: string; node: string }>(await runCli(['version', '--json']))).toMatchObject({
      version: version.stdout.trim(),
      node: process.version,
    });
  });

  it('help in a terminal is wrapped to its width', () => {
    const widths = (cols: number, args: string) =>
      execFileSync(
        'script',
        ['-qec', `stty cols ${cols}; ${process.execPath} ${binPath} ${args}`, '/dev/null'],
        {
          encoding: 'utf8',
          env: { ...plainEnv(), TERM: 'xterm' },
        },
      )
        .replace(/\r/g, '')
        .split('\n')
        .map((l) => l.length);
    const wide = widths(120, 'help');
    expect(Math.max(...wide)).toBeLessThanOrEqual(120);
    expect(Math.max(...wide)).toBeGreaterThan(80);
    expect(Math.max(...widths(60, 'help list'))).toBeLessThanOrEqual(60);
  });

  it('help into a reader that stops early (`| head`) ends quietly', async () => {
    const child = spawn(process.execPath, [binPath, 'help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('a word that is neither a command nor a path is an error, with a did-you-mean for commands', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-words-'));
    try {
      const env = { LAUNCH_AGENT_CACHE_DIR: cache };
      const lis = await runCli(['lis'], { env });
      expect(lis.code).toBe(2);
      expect(lis.stderr).toBe(
        'error: unknown command `lis`\nhint: did you mean `launch-agent list`? (`launch-agent help` lists the commands)\n',
      );
      const typo = await runCli(['no-such-dir/sub', '--detach'], { env });
      expect(typo.code).toBe(4);
      expect(typo.stderr).toBe(
        'error: no such folder: no-such-dir/sub\nhint: for the GitHub repository write gh:no-such-dir/sub or github.com/no-such-dir/sub\n',
      );
      // The hidden completion protocol is never offered.
      expect((await runCli(['complete'], { env })).stderr).not.toContain('__complete');
      const json = await runCli(['lis', '--json'], { env });
      expect(parseJson<{ error: { code: string } }>(json).error.code).toBe('USAGE');
      // Nothing was cloned or attempted: the cache is as empty as it was.
      expect(readdirSync(cache)).toEqual([]);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('a folder given as a config file is said in words, not as EISDIR', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-eisdir-'));
    try {
      const result = await runCli(['mcp', 'convert', dir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `error: ${dir} is a folder, not a config file\nhint: pass the path of a config.toml file\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('colour: on in a terminal, off with NO_COLOR, --no-color or a pipe, forced with FORCE_COLOR', () => {
    // `script` gives the command a pseudo-terminal, as a user's terminal would.
    const inTerminal = (args: string, env: NodeJS.ProcessEnv = {}) =>
      execFileSync('script', ['-qec', `${process.execPath} ${binPath} ${args}`, '/dev/null'], {
        encoding: 'utf8',
        env: { ...plainEnv(), TERM: 'xterm', ...env },
      });
    const ESC = '\u001b[';
    const red = `${ESC}31m${ESC}1merror:`;
    const lis = (args: string, env?: NodeJS.ProcessEnv) => {
      try {
        return inTerminal(`lis ${args}`, env);
      } catch (error) {
        return String((error as { stdout: string }).stdout);
      }
    };
    expect(lis('')).toContain(red);
    expect(lis('', { NO_COLOR: '1' })).not.toContain(ESC);
    expect(lis('--no-color')).not.toContain(ESC);
    expect(lis('', { NO_COLOR: '1' })).toContain('error: unknown command `lis`');
    // doctor's report on stdout: coloured marks in a terminal only.
    const doctor = (args: string, env?: NodeJS.ProcessEnv) => {
      try {
        return inTerminal(`doctor ${args}`, env);
      } catch (error) {
        return String((error as { stdout: string }).stdout);
      }
    };
    expect(doctor('')).toContain(`${ESC}32mok  ${ESC}39m engine`);
    expect(doctor('--no-color')).not.toContain(ESC);
    expect(doctor('', { NO_COLOR: '1' })).not.toContain(ESC);
  });

  it('colour in a pipe: none, unless FORCE_COLOR or --color', () => {
    const stderrOf = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, [binPath, ...args], { encoding: 'utf8', env: { ...plainEnv(), ...env } })
        .stderr;
    expect(stderrOf(['lis'])).toBe(
      'error: unknown command `lis`\nhint: did you mean `launch-agent list`? (`launch-agent help` lists the commands)\n',
    );
    expect(stderrOf(['lis'], { FORCE_COLOR: '1' })).toContain('\u001b[31m');
    expect(stderrOf(['lis', '--color'], { NO_COLOR: '1' })).toContain('\u001b[31m');
  });

  it('an unknown option is a usage error (exit 2) without a stack', async () => {
    const result = await runCli(['doctor', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: unknown option '--no-such-flag'\nhint: `launch-agent help doctor` shows the options and examples\n",
    );
    expect(result.stderr).not.toContain('    at ');
    const json = await runCli(['doctor', '--json', '--no-such-flag']);
    expect(json.code).toBe(2);
    expect(parseJson(json)).toEqual({
      error: {
        code: 'USAGE',
        message: "unknown option '--no-such-flag'",
        hint: '`launch-agent help doctor` shows the options and examples',
      },
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

/** This environment without the colour variables a test runner may set. */
function plainEnv(): NodeJS.ProcessEnv {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...rest } = process.env;
  return rest;
}
