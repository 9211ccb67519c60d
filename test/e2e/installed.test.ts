import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InitResult } from '../../src/core/sessions/init.js';
import { parseJson, repoRoot, runCli } from '../helpers/cli.js';
import { testBaseImage } from '../setup/global-engine.js';

/**
 * The package as npm installs it (package.json `files`), somewhere else, with dist/bundle/ only:
 * bin/launch-agent.js must run from the bundle, each command from its lazily loaded chunk, and
 * images/, templates/ and the version must be found from there.
 */
describe('the installed package runs from dist/bundle/', () => {
  let dir: string;
  let home: string;
  let bin: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-installed-'));
    home = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-installed-home-'));
    const pkg = path.join(dir, 'node_modules', 'launch-agent');
    const { files } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      files: string[];
    };
    for (const entry of [...files.filter((f) => f !== 'dist'), 'dist/bundle', 'package.json']) {
      cpSync(path.join(repoRoot, entry), path.join(pkg, entry), { recursive: true });
    }
    // Its dependencies, where Node looks for the requires the bundle leaves to run time (ssh2, …).
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
    bin = path.join(pkg, 'bin', 'launch-agent.js');
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(args, {
      bin,
      cwd: dir,
      env: { HOME: home, XDG_CONFIG_HOME: '', LAUNCH_AGENT_CONFIG_DIR: '', ...env },
    });

  it('--version is the package version', async () => {
    const result = await run(['--version']);
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('completion bash prints the script', async () => {
    const result = await run(['completion', 'bash']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^complete .*-F _launch_agent launch-agent$/m);
  });

  it('init copies the templates into the config folder', async () => {
    const result = await run(['init', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const init = parseJson<InitResult>(result);
    expect(init.files.map((f) => f.status)).toEqual(init.files.map(() => 'created'));
    const config = init.files.find((f) => f.file === 'config.toml');
    expect(readFileSync(config!.path, 'utf8')).toBe(
      readFileSync(path.join(repoRoot, 'templates', 'config.toml'), 'utf8'),
    );
  });

  it('mcp convert renders the template for codex (TOML)', async () => {
    const template = path.join(repoRoot, 'templates', 'config.toml');
    const result = await run(['mcp', 'convert', template, '--agent', 'codex']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('[mcp_servers.github]');
  });

  it('images list reads the build contexts in images/', async () => {
    const result = await run(['images', 'list', '--json', '--base-image', testBaseImage()]);
    expect(result.code, result.stderr).toBe(0);
    const { images } = parseJson<{ images: Array<{ name: string; expectedTag: string }> }>(result);
    expect(images.map((i) => i.name)).toEqual([
      'base',
      'agents',
      'claude',
      'codex',
      'copilot',
      'gemini',
      'proxy',
    ]);
    for (const image of images) expect(image.expectedTag).toMatch(/^[0-9a-f]{12}$/);
  });

  it.each([
    ['a missing socket', 'unix:///tmp/launch-agent-none.sock', /ENOENT/],
    // docker-modem's SSH transport and ssh2 are required at run time, from node_modules.
    ['ssh to a closed port', 'ssh://nobody@127.0.0.1:1', /ECONNREFUSED/],
  ])('doctor --json runs its checks with %s as the engine', async (_what, dockerHost, reason) => {
    const result = await run(['doctor', '--json'], { DOCKER_HOST: dockerHost });
    expect(result.code).toBe(1);
    const report = parseJson<{ checks: Array<{ name: string; status: string; detail: string }> }>(result);
    const engine = report.checks.find((c) => c.name === 'engine');
    expect(engine?.status).toBe('fail');
    expect(engine?.detail).toMatch(reason);
    expect(report.checks.map((c) => c.name)).toContain('login.codex');
  });
});
