import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents } from '../../src/agents/registry.js';
import type { DoctorReport } from '../../src/core/doctor.js';
import { parseJson, repoRoot, runCli } from '../helpers/cli.js';

const FAKE_TOKEN = `fake-oauth-token-${randomBytes(6).toString('hex')}`;

let home: string;
let secretsFile: string;
/** A user with logins on disk and nothing from the real environment that could move them. */
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-doctor-'));
  mkdirSync(path.join(home, '.claude'));
  writeFileSync(path.join(home, '.claude', '.credentials.json'), '{"claudeAiOauth":{"accessToken":"fake"}}', {
    mode: 0o600,
  });
  mkdirSync(path.join(home, '.codex'));
  writeFileSync(path.join(home, '.codex', 'auth.json'), '{"tokens":{"refresh_token":"fake"}}', {
    mode: 0o600,
  });
  writeFileSync(
    path.join(home, '.gitconfig'),
    '[user]\n\tname = Doctor Test\n\temail = doctor@example.com\n',
  );
  mkdirSync(path.join(home, '.config', 'launch-agent'), { recursive: true });
  secretsFile = path.join(home, '.config', 'launch-agent', 'secrets.env');
  writeFileSync(secretsFile, `# fake\nexport CLAUDE_CODE_OAUTH_TOKEN="${FAKE_TOKEN}"\n`);
  const cleared = [
    'LAUNCH_AGENT_CONFIG_DIR',
    'XDG_CONFIG_HOME',
    'CLAUDE_CONFIG_DIR',
    'CODEX_HOME',
    'COPILOT_HOME',
  ];
  cleared.push('GEMINI_CLI_HOME', 'GH_CONFIG_DIR', ...agents.flatMap((a) => a.tokenEnv));
  env = {
    HOME: home,
    GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    ...Object.fromEntries(cleared.map((key) => [key, ''])),
  };
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

function check(report: DoctorReport, name: string) {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}: ${JSON.stringify(report.checks.map((c) => c.name))}`);
  return found;
}

describe('launch-agent doctor', () => {
  it('--json reports the real engine, git and the fake logins; a 0644 secrets file fails', async () => {
    chmodSync(secretsFile, 0o644);
    const result = await runCli(['doctor', '--json'], { env });
    const report = parseJson<DoctorReport>(result);
    expect(result.code, result.stderr).not.toBe(0);
    expect(report.ok).toBe(false);

    const engine = check(report, 'engine');
    expect(engine.status).toBe('ok');
    const serverVersion = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      encoding: 'utf8',
    }).trim();
    const apiVersion = execFileSync('docker', ['version', '--format', '{{.Server.APIVersion}}'], {
      encoding: 'utf8',
    }).trim();
    expect(engine.facts).toMatchObject({ engine: 'Docker', version: serverVersion, apiVersion });
    expect(engine.detail).toContain(String(engine.facts?.endpoint));
    expect(check(report, 'storage-driver').facts?.storageDriver).toMatch(/\S/);

    // The bridge MTU as the engine reports it, judged against the host link.
    const options = JSON.parse(
      execFileSync('docker', ['network', 'inspect', 'bridge', '--format', '{{json .Options}}'], {
        encoding: 'utf8',
      }),
    ) as Record<string, string>;
    const mtu = check(report, 'network-mtu');
    expect(mtu.facts?.bridgeMtu).toBe(Number(options['com.docker.network.driver.mtu'] ?? 1500));
    expect(mtu.status).toBe(Number(mtu.facts?.bridgeMtu) <= Number(mtu.facts?.hostMtu) ? 'ok' : 'warn');

    // One check per image of the chain; an image said to be present is really there.
    const images = report.checks.filter((c) => c.name.startsWith('image.'));
    const repos = [
      'launch-agent/base',
      'launch-agent/agents',
      ...agents.map((a) => a.image),
      'launch-agent/proxy',
    ];
    expect(images.map((c) => c.name)).toEqual(repos.map((repo) => `image.${repo}`));
    for (const image of images) {
      expect(image.status).not.toBe('fail');
      if (image.facts?.present)
        execFileSync('docker', ['image', 'inspect', `${image.facts.image}:latest`], { stdio: 'pipe' });
    }

    const gitVersion = execFileSync('git', ['--version'], { encoding: 'utf8' });
    expect(check(report, 'git')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('(Doctor Test <doctor@example.com>)'),
    });
    expect(gitVersion).toContain(String(check(report, 'git').facts?.version));

    expect(check(report, 'secrets-file')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('mode 0644'),
      remedy: `chmod 600 ${secretsFile}`,
    });
    // Codex's login is on disk with a single-use refresh token and no long-lived token: a warning.
    expect(check(report, 'login.codex')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining(path.join(home, '.codex', 'auth.json')),
      remedy: expect.stringContaining('CODEX_API_KEY'),
    });
    expect(check(report, 'login.gemini').status).toBe('warn');
    expect(result.stdout).not.toContain(FAKE_TOKEN);
    expect(result.stderr).toMatch(/error: 1 check\(s\) failed: secrets-file/);
    expect(result.stderr).not.toContain('    at ');
  });

  it('passes with the secrets file at 0600; the token there is seen by name only', async () => {
    chmodSync(secretsFile, 0o600);
    const result = await runCli(['doctor', '--json'], { env });
    const report = parseJson<DoctorReport & { launcher: Record<string, string> }>(result);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(report.launcher).toEqual({
      version: pkg.version,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(report.ok).toBe(true);
    expect(check(report, 'secrets-file')).toMatchObject({
      status: 'ok',
      facts: { file: secretsFile, mode: '0600', keys: ['CLAUDE_CODE_OAUTH_TOKEN'] },
    });
    expect(check(report, 'login.claude')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining(path.join(home, '.claude', '.credentials.json')),
    });
    expect(result.stdout).not.toContain(FAKE_TOKEN);
  });

  it('human output shows each check with its remedy', async () => {
    chmodSync(secretsFile, 0o600);
    const result = await runCli(['doctor'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok\s+engine\s+Docker \S+ \(API [\d.]+\) at unix:\/\//m);
    expect(result.stdout).toMatch(/^warn\s+login\.codex .*\n\s+-> create an API key/m);
    expect(result.stdout).toMatch(/\d+ ok, \d+ warning\(s\), 0 failed/);
  });

  it('checks config.toml: an invalid one fails with the place, a valid one lists its MCP servers', async () => {
    const file = path.join(home, '.config', 'launch-agent', 'config.toml');
    chmodSync(secretsFile, 0o600);
    try {
      writeFileSync(file, '[mcp_servers.github]\ncommand = 3\n');
      const bad = await runCli(['doctor', '--json'], { env });
      expect(bad.code).toBe(1);
      expect(check(parseJson<DoctorReport>(bad), 'config')).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining(`${file}:2:1 mcp_servers.github.command`),
      });
      writeFileSync(file, '[defaults]\nmemory = "lots"\n');
      const defaults = await runCli(['doctor', '--json'], { env });
      expect(check(parseJson<DoctorReport>(defaults), 'config')).toMatchObject({
        status: 'fail',
        detail: `${file}:2:1 defaults.memory must be a size such as 4g, 512m or 2GiB, got \`lots\``,
      });
      writeFileSync(file, '[mcp_servers.github]\ncommand = "github-mcp-server"\nargs = ["stdio"]\n');
      const good = await runCli(['doctor', '--json'], { env });
      expect(check(parseJson<DoctorReport>(good), 'config')).toMatchObject({
        status: 'ok',
        detail: `${file}: MCP servers github`,
      });
      expect(good.code).toBe(0);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('with no engine at DOCKER_HOST: non-zero, names the endpoint and what to do, no stack trace', async () => {
    const sock = `/tmp/none-${randomBytes(4).toString('hex')}.sock`;
    const human = await runCli(['doctor'], { env: { ...env, DOCKER_HOST: `unix://${sock}` } });
    expect(human.code).not.toBe(0);
    expect(human.stdout).toMatch(
      new RegExp(`FAIL\\s+engine\\s+cannot reach the container engine at unix://${sock}`),
    );
    expect(human.stdout).toContain(`-> start the engine at unix://${sock}, or fix DOCKER_HOST`);
    expect(human.stderr).toMatch(/^error: 1 check\(s\) failed: engine$/m);
    expect(`${human.stdout}${human.stderr}`).not.toContain('    at ');

    const json = await runCli(['doctor', '--json'], { env: { ...env, DOCKER_HOST: `unix://${sock}` } });
    expect(json.code).not.toBe(0);
    const report = parseJson<DoctorReport>(json);
    expect(check(report, 'engine')).toMatchObject({
      status: 'fail',
      facts: { endpoint: `unix://${sock}`, source: 'DOCKER_HOST', code: 'ENGINE_UNREACHABLE' },
    });
    expect(report.checks.map((c) => c.name)).not.toContain('storage-driver');
    expect(json.stderr).not.toContain('    at ');
  });

  it('an engine that accepts but never answers fails the check in bounded time, and the CLI exits', async () => {
    const sock = path.join(os.tmpdir(), `hung-${randomBytes(4).toString('hex')}.sock`);
    const connections = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      connections.add(socket);
      socket.on('error', () => {});
      socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      const started = performance.now();
      const result = await runCli(['doctor', '--json'], {
        env: { ...env, DOCKER_HOST: `unix://${sock}` },
        timeoutMs: 60_000,
      });
      expect(performance.now() - started).toBeLessThan(40_000);
      expect(result.code).toBe(1);
      expect(check(parseJson<DoctorReport>(result), 'engine')).toMatchObject({
        status: 'fail',
        detail: `no answer from the container engine at unix://${sock} within 15 s; endpoint from DOCKER_HOST`,
        remedy: expect.stringMatching(/accepts connections but does not answer/),
      });
    } finally {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      rmSync(sock, { force: true });
    }
  });

  it('a malformed DOCKER_HOST is a failed engine check, not a crash', async () => {
    const result = await runCli(['doctor', '--json'], { env: { ...env, DOCKER_HOST: 'bogus://nowhere' } });
    expect(result.code).not.toBe(0);
    expect(check(parseJson<DoctorReport>(result), 'engine')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('unsupported scheme `bogus`'),
    });
    expect(result.stderr).not.toContain('    at ');
  });
});
