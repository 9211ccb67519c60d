import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentName } from '../../src/agents/types.js';
import { parseJson, repoRoot, runCli } from '../helpers/cli.js';
import { ensureTestImages } from '../helpers/images.js';

const run = promisify(execFile);
const fixtures = path.join(repoRoot, 'test/fixtures/mcp/e2e');
const suffix = randomBytes(4).toString('hex');
const secretEnv = ['-e', 'ECHO_SECRET=tok-123'];

let home: string;
let noUserConfig: string;

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'launch-agent-mcp-home-'));
  noUserConfig = await mkdtemp(path.join(os.tmpdir(), 'launch-agent-mcp-nocfg-'));
  // The same code path the launch uses to write the agents' configs into their home.
  const result = await runCli(
    ['mcp', 'convert', path.join(fixtures, 'config.toml'), '--all', '--out', home],
    {
      env: { LAUNCH_AGENT_CONFIG_DIR: noUserConfig },
    },
  );
  expect(result.code, result.stderr).toBe(0);
  await copyFile(path.join(fixtures, 'mcp-echo.mjs'), path.join(home, 'mcp-echo.mjs'));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(noUserConfig, { recursive: true, force: true });
});

/** A container of the real agent image with the converted files in /home/agent (owned by uid 1000). */
function agentContainer(agent: AgentName) {
  const name = `launch-agent-mcp-e2e-${agent}-${suffix}`;
  beforeAll(async () => {
    const image = await ensureTestImages(agent);
    // No agent env (e.g. GEMINI_CLI_TRUST_WORKSPACE): the files alone must avoid the trust prompts.
    await run('docker', ['run', '-d', '--name', name, image, 'sleep', 'infinity']);
    await pipeTar(home, name);
  }, 1_800_000);
  afterAll(async () => {
    await run('docker', ['rm', '-f', name]).catch(() => undefined);
  });
  return {
    exec: async (...argv: string[]) => {
      const { stdout, stderr } = await run(
        'docker',
        ['exec', '-u', '1000', '-w', '/workspace', ...secretEnv, name, ...argv],
        { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      );
      return { stdout, stderr };
    },
    name,
  };
}

describe('claude mcp list reads the ~/.claude.json we wrote', () => {
  const container = agentContainer('claude');
  it('shows every server with its transport; the stdio one connects with its env resolved', async () => {
    const { stdout } = await container.exec('claude', 'mcp', 'list');
    const lines = Object.fromEntries(
      [...stdout.matchAll(/^([\w-]+): (.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    expect(Object.keys(lines).sort(), stdout).toEqual(['echo', 'only-two', 'remote-http', 'remote-sse']);
    expect(lines.echo).toMatch(/^node \/home\/agent\/mcp-echo\.mjs .* - . Connected$/);
    expect(lines['remote-http']).toMatch(/^http:\/\/127\.0\.0\.1:9\/mcp \(HTTP\) - /);
    expect(lines['remote-sse']).toMatch(/^http:\/\/127\.0\.0\.1:9\/sse \(SSE\) - /);
    expect(lines['only-two']).toMatch(/^cat /);
    expect(stdout).not.toMatch(/disabled|not trusted|approval/i);
  });
});

describe('codex mcp list reads the $CODEX_HOME/config.toml we wrote', () => {
  const container = agentContainer('codex');
  it('lists every server enabled with its transport, and the stdio command starts as codex runs it', async () => {
    const { stdout } = await container.exec('codex', 'mcp', 'list', '--json');
    const servers = JSON.parse(stdout) as Array<{
      name: string;
      enabled: boolean;
      disabled_reason: string | null;
      transport: { type: string; command?: string; args?: string[]; env_vars?: string[]; url?: string };
    }>;
    expect(servers.map((s) => [s.name, s.transport.type, s.enabled, s.disabled_reason]).sort()).toEqual([
      ['echo', 'stdio', true, null],
      ['only-two', 'stdio', true, null],
      ['remote-http', 'streamable_http', true, null],
    ]);
    // Codex resolves nothing itself: run the command it read, with only the env it passes through.
    const echo = servers.find((s) => s.name === 'echo')?.transport;
    const passed = (echo?.env_vars ?? []).flatMap((k) => (k === 'ECHO_SECRET' ? [`${k}=tok-123`] : []));
    const { stdout: reply } = await execWithInput(
      [
        'exec',
        '-i',
        '-u',
        '1000',
        container.name,
        'env',
        '-i',
        'PATH=/usr/local/bin:/usr/bin:/bin',
        ...passed,
      ],
      [echo?.command ?? '', ...(echo?.args ?? [])],
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`,
    );
    expect(reply).toContain('"serverInfo":{"name":"mcp-echo"');
  });
});

describe('copilot mcp list reads the ~/.copilot/mcp-config.json we wrote', () => {
  const container = agentContainer('copilot');
  it('lists every server enabled with its type', async () => {
    const { stdout } = await container.exec('copilot', 'mcp', 'list', '--json');
    const { mcpServers } = JSON.parse(stdout) as {
      mcpServers: Record<string, { type: string; enabled: boolean; source: string }>;
    };
    const ours = Object.entries(mcpServers).filter(([, s]) => s.source === 'user');
    expect(ours.map(([name, s]) => [name, s.type, s.enabled]).sort()).toEqual([
      ['echo', 'local', true],
      ['remote-http', 'http', true],
      ['remote-sse', 'sse', true],
    ]);
    const { stdout: human } = await container.exec('copilot', 'mcp', 'list');
    expect(human).toMatch(/echo \(local\)/);
  });
});

describe('gemini mcp list reads the ~/.gemini/settings.json we wrote', () => {
  const container = agentContainer('gemini');
  it('shows every server with its transport, none disabled; the stdio one connects with its env resolved', async () => {
    // Gemini prints the list on stderr when not on a TTY.
    const { stdout: out, stderr } = await container.exec('gemini', 'mcp', 'list');
    const stdout = out + stderr;
    const servers = Object.fromEntries(
      [...stdout.matchAll(/^\S+ ([\w-]+): .* \((stdio|http|sse)\) - (\w+)/gm)].map((m) => [
        m[1] ?? '',
        [m[2], m[3]],
      ]),
    );
    expect(servers, stdout).toEqual({
      echo: ['stdio', 'Connected'],
      'remote-http': ['http', 'Disconnected'],
      'remote-sse': ['sse', 'Disconnected'],
    });
    expect(stdout).not.toMatch(/disabled|untrusted|not trusted/i);
  });
});

describe('mcp convert / mcp list on the command line', () => {
  it('fails with every problem, file:line:col and dot paths, exit 2', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'launch-agent-mcp-bad-'));
    try {
      const file = path.join(dir, 'config.toml');
      await writeFile(
        file,
        '[mcp_servers.github]\ncommand = "npx"\nargs = "-y server"\n[mcp_servers.x]\nenv = { A = 1 }\n',
      );
      const result = await runCli(['mcp', 'convert', file], {
        env: { LAUNCH_AGENT_CONFIG_DIR: noUserConfig },
      });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        `${file}:3:1 mcp_servers.github.args: expected an array of strings, got a string`,
      );
      expect(result.stderr).toContain(
        `${file}:5:1 mcp_servers.x.env: expected a table of strings, got \`A\` = a number`,
      );

      await writeFile(file, '[mcp_servers.github]\ncommand = "npx"\nargs = ["-y",\n  "server"\n  "x"]\n');
      const json = await runCli(['mcp', 'convert', file, '--json'], {
        env: { LAUNCH_AGENT_CONFIG_DIR: noUserConfig },
      });
      expect(json.code).toBe(2);
      const doc = parseJson<{ error: { code: string; message: string; problems: Array<{ line: number }> } }>(
        json,
      );
      expect(doc.error.code).toBe('CONFIG_INVALID');
      expect(doc.error.message).toMatch(new RegExp(`${file.replaceAll('.', '\\.')}:5:\\d+: invalid TOML: `));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('list merges the repo config.toml over the user one and says which agents get each server', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'launch-agent-mcp-list-'));
    try {
      await mkdir(path.join(dir, 'user'));
      await mkdir(path.join(dir, 'repo'));
      await writeFile(
        path.join(dir, 'user', 'config.toml'),
        'default_agent = "codex"\n[mcp_servers.a]\ncommand = "user-a"\n[mcp_servers.b]\nurl = "https://b.example/mcp"\n',
      );
      await writeFile(
        path.join(dir, 'repo', 'config.toml'),
        '[mcp_servers.a]\ncommand = "repo-a"\nagents = ["claude", "gemini"]\n[mcp_servers.b]\nenabled = false\nfoo = 1\n',
      );
      const result = await runCli(['mcp', 'list', '--json'], {
        cwd: path.join(dir, 'repo'),
        env: { LAUNCH_AGENT_CONFIG_DIR: path.join(dir, 'user') },
      });
      expect(result.code, result.stderr).toBe(0);
      const list = parseJson<{
        servers: Array<{ name: string; target: string; agents: string[]; transport: string }>;
      }>(result);
      expect(list.servers.map((s) => [s.name, s.transport, s.target, s.agents])).toEqual([
        ['a', 'stdio', 'repo-a', ['claude', 'gemini']],
        ['b', 'stdio', '', []],
      ]);
      expect(result.stderr).toMatch(/repo\/config\.toml:6:1 mcp_servers\.b\.foo: unknown key/);
      expect(result.stderr).not.toMatch(/default_agent/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** tar of `dir`, extracted into /home/agent by the agent user so every file is uid 1000's. */
function pipeTar(dir: string, container: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const docker = spawn(
      'docker',
      ['exec', '-i', '-u', '1000', container, 'tar', '-x', '-C', '/home/agent'],
      {
        stdio: ['pipe', 'inherit', 'inherit'],
      },
    );
    tar.stdout.pipe(docker.stdin);
    docker.on('error', reject);
    docker.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`tar into ${container} exited ${code}`)),
    );
  });
}

function execWithInput(dockerArgs: string[], command: string[], input: string): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', [...dockerArgs, ...command], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout });
      else reject(new Error(`${command.join(' ')} exited ${code}: ${stderr}`));
    });
    child.stdin.end(input);
  });
}
