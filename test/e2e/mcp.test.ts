import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentName } from '../../src/agents/types.js';
import { parseJson, repoRoot, runCli } from '../helpers/cli.js';
import {
  chownTree,
  FIXTURE_GID,
  FIXTURE_UID,
  type Fixture,
  makeFixture,
  removeContainer,
} from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';
import { testBaseImage } from '../setup/global-engine.js';

const run = promisify(execFile);
const fixtures = path.join(repoRoot, 'test/fixtures/mcp/e2e');
const suffix = randomBytes(4).toString('hex');
const secretEnv = ['-e', 'ECHO_SECRET=tok-123'];

const agents: AgentName[] = ['claude', 'codex', 'copilot', 'gemini'];

/** What each agent must list for test/fixtures/mcp/e2e/config.toml: name -> transport. */
const expected: Record<AgentName, Record<string, string>> = {
  claude: { echo: 'stdio', 'only-two': 'stdio', 'remote-http': 'http', 'remote-sse': 'sse' },
  codex: { echo: 'stdio', 'only-two': 'stdio', 'remote-http': 'http' },
  copilot: { echo: 'stdio', 'remote-http': 'http', 'remote-sse': 'sse' },
  gemini: { echo: 'stdio', 'remote-http': 'http', 'remote-sse': 'sse' },
};

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

describe.each(agents)('%s mcp list reads the config we wrote into its home', (agent) => {
  const container = agentContainer(agent);
  it('shows every server configured for it, with its transport, none disabled', async () => {
    const list = await agentMcpList(agent, container.exec);
    expect(list.servers, list.raw).toEqual(expected[agent]);
    // Claude and Gemini start stdio servers to check them: ours starts only with its env resolved.
    // (Codex and Copilot report disabled servers in their JSON, mapped to 'disabled' above.)
    if (agent === 'claude' || agent === 'gemini') {
      expect(list.connected, list.raw).toEqual(['echo']);
      expect(list.raw).not.toMatch(/disabled|untrusted|not trusted/i);
    }
  });

  if (agent === 'codex') {
    it('starts the stdio server the way codex runs it, with only the env codex passes through', async () => {
      const { stdout } = await container.exec('codex', 'mcp', 'list', '--json');
      const echo = (JSON.parse(stdout) as CodexServer[]).find((s) => s.name === 'echo')?.transport;
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
  }
});

describe.each(agents)(
  'launch --agent %s writes the merged config.toml servers into the container',
  (agent) => {
    let fixture: Fixture;
    let name = '';

    beforeAll(async () => {
      await ensureTestImages(agent);
      fixture = makeFixture(`mcp-${agent}-${suffix}`);
      const userConfig = path.join(fixture.home, '.config', 'launch-agent', 'config.toml');
      await writeFile(
        userConfig,
        '[mcp_servers.user-only]\nurl = "http://127.0.0.1:9/user"\n\n[mcp_servers.echo]\ncommand = "false"\n',
      );
      // The repo's echo replaces the user's; its secret comes from the secrets file at run time.
      await writeFile(
        path.join(fixture.repo, 'config.toml'),
        '[mcp_servers.echo]\ncommand = "node"\nargs = ["/workspace/mcp-echo.mjs", "--tag=${MCP_TAG:-dflt}"]\nenv = { ECHO_TOKEN = "${ECHO_SECRET}" }\n',
      );
      await copyFile(path.join(fixtures, 'mcp-echo.mjs'), path.join(fixture.repo, 'mcp-echo.mjs'));
      await appendFile(
        path.join(fixture.home, '.config', 'launch-agent', 'secrets.env'),
        'ECHO_SECRET=tok-123\n',
      );
      chownTree(fixture.dir, FIXTURE_UID, FIXTURE_GID);
      const result = await runCli([fixture.repo, '--agent', agent, '-b', 'mcp', '--detach', '--json'], {
        env: { ...fixture.env, LAUNCH_AGENT_BASE_IMAGE: testBaseImage() },
      });
      expect(result.code, result.stderr).toBe(0);
      name = parseJson<{ name: string }>(result).name;
    }, 1_800_000);

    afterAll(() => {
      if (name) removeContainer(name);
      fixture?.cleanup();
    });

    it('the agent lists the repo and user servers, and the stdio one gets its secret', async () => {
      const exec = async (...argv: string[]) =>
        run('docker', ['exec', '-w', '/workspace', name, '/usr/local/bin/launch-agent-entrypoint', ...argv], {
          timeout: 120_000,
          maxBuffer: 16 * 1024 * 1024,
        });
      const list = await agentMcpList(agent, exec);
      expect(list.servers, list.raw).toEqual({ echo: 'stdio', 'user-only': 'http' });
      if (agent === 'claude' || agent === 'gemini') {
        expect(list.connected, list.raw).toEqual(['echo']);
        expect(list.raw).not.toMatch(/disabled|untrusted|not trusted/i);
      }
    });
  },
);

describe('launch with an invalid config.toml', () => {
  it('fails with the full report, exit 2, and leaves no container or volume behind', async () => {
    await ensureTestImages('claude');
    const fixture = makeFixture(`mcp-bad-${suffix}`);
    try {
      await writeFile(path.join(fixture.repo, 'config.toml'), '[mcp_servers.x]\nargs = "npx"\n');
      chownTree(fixture.dir, FIXTURE_UID, FIXTURE_GID);
      const name = `la-mcp-bad-${suffix}`;
      const result = await runCli([fixture.repo, '--agent', 'claude', '--name', name, '--detach'], {
        env: { ...fixture.env, LAUNCH_AGENT_BASE_IMAGE: testBaseImage() },
      });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `${path.join(fixture.repo, 'config.toml')}:2:1 mcp_servers.x.args: expected an array of strings, got a string`,
      );
      const left = await run('docker', ['ps', '-a', '--filter', `name=${name}`, '--format', '{{.Names}}']);
      expect(left.stdout.trim()).toBe('');
      const volumes = await run('docker', ['volume', 'ls', '--format', '{{.Name}}']);
      expect(volumes.stdout.split('\n').filter((v) => v.includes(name))).toEqual([]);
    } finally {
      fixture.cleanup();
    }
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

interface CodexServer {
  name: string;
  enabled: boolean;
  disabled_reason: string | null;
  transport: { type: string; command?: string; args?: string[]; env_vars?: string[]; url?: string };
}

interface AgentList {
  /** name -> transport (stdio / http / sse) as the agent itself reports it. */
  servers: Record<string, string>;
  /** Servers the agent reports connected (only Claude and Gemini connect in `mcp list`). */
  connected: string[];
  raw: string;
}

/** Runs the agent's own `mcp list` and normalises what it prints: the CLI is the judge. */
async function agentMcpList(
  agent: AgentName,
  exec: (...argv: string[]) => Promise<{ stdout: string; stderr: string }>,
): Promise<AgentList> {
  if (agent === 'codex') {
    const { stdout } = await exec('codex', 'mcp', 'list', '--json');
    const servers = JSON.parse(stdout) as CodexServer[];
    const transport = (t: string) => (t === 'streamable_http' ? 'http' : t);
    return {
      servers: Object.fromEntries(
        servers.map((s) => [
          s.name,
          s.enabled && s.disabled_reason === null ? transport(s.transport.type) : 'disabled',
        ]),
      ),
      connected: [],
      raw: stdout,
    };
  }
  if (agent === 'copilot') {
    const { stdout } = await exec('copilot', 'mcp', 'list', '--json');
    const { mcpServers } = JSON.parse(stdout) as {
      mcpServers: Record<string, { type: string; enabled: boolean; source: string }>;
    };
    const ours = Object.entries(mcpServers).filter(([, s]) => s.source === 'user');
    const transport = (t: string) => (t === 'local' ? 'stdio' : t);
    return {
      servers: Object.fromEntries(
        ours.map(([name, s]) => [name, s.enabled ? transport(s.type) : 'disabled']),
      ),
      connected: [],
      raw: stdout,
    };
  }
  if (agent === 'claude') {
    const { stdout } = await exec('claude', 'mcp', 'list');
    const lines = [...stdout.matchAll(/^([\w-]+): (.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? ''] as const);
    const transport = (rest: string) =>
      / \(HTTP\) - /.test(rest) ? 'http' : / \(SSE\) - /.test(rest) ? 'sse' : 'stdio';
    return {
      servers: Object.fromEntries(lines.map(([name, rest]) => [name, transport(rest)])),
      connected: lines.filter(([, rest]) => / - \S+ Connected$/.test(rest)).map(([name]) => name),
      raw: stdout,
    };
  }
  // Gemini prints the list on stderr when not on a TTY.
  const { stdout, stderr } = await exec('gemini', 'mcp', 'list');
  const raw = stdout + stderr;
  const lines = [...raw.matchAll(/^\S+ ([\w-]+): .* \((stdio|http|sse)\) - (\w+)/gm)];
  return {
    servers: Object.fromEntries(lines.map((m) => [m[1] ?? '', m[2] ?? ''])),
    connected: lines.filter((m) => m[3] === 'Connected').map((m) => m[1] ?? ''),
    raw,
  };
}
