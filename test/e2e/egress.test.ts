import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EgressReport } from '../../src/core/sessions/egress.js';
import { binPath, parseJson, runCli } from '../helpers/cli.js';
import {
  chownTree,
  docker,
  dockerExec,
  FIXTURE_GID,
  FIXTURE_UID,
  type Fixture,
  type Launched,
  launchEnv,
  makeFixture,
  ownerGit,
  removeContainer,
} from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';

/**
 * `--network allowlist` against the real engine and images. Allowed requests go only to the npm
 * registry and the Debian archive; every other name is refused by our proxy before it is looked
 * up, so no test sends anything anywhere else. The agents' own API hosts are kept off the list
 * here (`builtin = ["npm"]`) so that each agent CLI's first request stops at the proxy too.
 */

/** Our objects that carry a session's label: its proxy container and its network. */
function egressObjects(session: string): { containers: string[]; networks: string[] } {
  const filter = `label=dev.launch-agent.session=${session}`;
  const list = (out: string) => out.split('\n').filter(Boolean);
  return {
    containers: list(docker('ps', '-a', '--filter', filter, '--format', '{{.Names}}')),
    networks: list(docker('network', 'ls', '--filter', filter, '--format', '{{.Name}}')),
  };
}

/** `/proc/net/route` rows whose destination is 0.0.0.0, as dotted gateway addresses. */
function defaultGateways(routeTable: string): string[] {
  return routeTable
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[1] === '00000000')
    .map((cols) => {
      const hex = cols[2] ?? '';
      return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.');
    });
}

function hostAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a?.family === 'IPv4')
    .map((a) => a!.address);
}

describe('launch --network allowlist', () => {
  let fixture: Fixture;
  let launched: Launched;
  let name: string;
  const cli = (...args: string[]) => runCli(args, { env: launchEnv(fixture) });

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`egress-${Date.now().toString(36)}`);
    // The mode, the built-in groups and one more host from the user's config.toml; another host
    // from the repo's; a remote MCP server, allowed because it is configured.
    writeFileSync(
      path.join(fixture.home, '.config', 'launch-agent', 'config.toml'),
      [
        '[network]',
        'mode = "allowlist"',
        'builtin = ["npm"]',
        'allow = ["deb.debian.org"]',
        '',
        '[mcp_servers.docs]',
        'url = "https://mcp.example.io/mcp"',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(fixture.repo, 'config.toml'), '[network]\nallow = ["repo-only.example.org"]\n');
    chownTree(fixture.dir, FIXTURE_UID, FIXTURE_GID);
    const result = await cli(
      fixture.repo,
      '-b',
      'allow',
      '--allow',
      'flag.example.net',
      '--detach',
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    launched = parseJson<Launched>(result);
    name = launched.name;
  });

  afterAll(async () => {
    if (name) await cli('rm', '--force', name);
    fixture?.cleanup();
  });

  it('puts the agent on an internal network whose only other member is a limited, non-root proxy', () => {
    const agent = JSON.parse(docker('inspect', name))[0];
    expect(agent.HostConfig.NetworkMode).toBe(`${name}-egress`);
    expect(Object.keys(agent.NetworkSettings.Networks)).toEqual([`${name}-egress`]);
    expect(agent.Config.Labels['dev.launch-agent.network']).toBe('allowlist');
    const network = JSON.parse(docker('network', 'inspect', `${name}-egress`))[0];
    expect(network.Internal).toBe(true);
    expect(network.Labels['dev.launch-agent.managed']).toBe('true');
    const proxy = JSON.parse(docker('inspect', `${name}-egress`))[0];
    expect(proxy.State.Running).toBe(true);
    expect(proxy.Config.User).toBe('65534:65534');
    expect(proxy.Config.Image).toMatch(/^launch-agent\/proxy:[0-9a-f]{12}$/);
    expect(proxy.HostConfig.CapDrop).toEqual(['ALL']);
    expect(proxy.HostConfig.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(proxy.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(proxy.HostConfig.PidsLimit).toBe(128);
    expect(Object.keys(proxy.NetworkSettings.Networks).sort()).toEqual(['bridge', `${name}-egress`].sort());
    expect(proxy.Config.Labels['dev.launch-agent.session']).toBe(name);
    // No shell in the one container with a way out.
    expect(() => docker('exec', `${name}-egress`, 'sh', '-c', 'true')).toThrow();
  });

  it('gives the proxy in both spellings, and no route out: no usable default gateway', () => {
    const env = dockerExec(name, 'env');
    for (const key of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'])
      expect(env).toContain(`${key}=http://egress-proxy:8888`);
    expect(env).toMatch(/^NO_PROXY=localhost,127\.0\.0\.1,::1$/m);
    expect(env).toMatch(/^no_proxy=localhost,127\.0\.0\.1,::1$/m);
    const gateways = defaultGateways(dockerExec(name, 'cat /proc/net/route'));
    // Docker 25+ and Podman give an internal network no default route at all; older Docker keeps
    // one to the network's gateway address, which we keep off the host (inhibit_ipv4).
    const gatewayOfNetwork = JSON.parse(docker('network', 'inspect', `${name}-egress`))[0].IPAM.Config[0]
      .Gateway;
    for (const gateway of gateways) {
      expect(gateway).toBe(gatewayOfNetwork);
      expect(hostAddresses()).not.toContain(gateway);
    }
    // Names outside the network do not resolve in it (DNS is no way out either), and fail fast.
    const started = Date.now();
    expect(dockerExec(name, 'getent hosts registry.npmjs.org >/dev/null 2>&1; echo $?')).not.toBe('0');
    expect(Date.now() - started).toBeLessThan(8000);
    expect(dockerExec(name, 'getent hosts egress-proxy >/dev/null 2>&1; echo $?')).toBe('0');
  });

  it("cannot open a connection to this machine's own address, around the proxy", async () => {
    const server = net.createServer((socket) => socket.end('reached\n'));
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const address = hostAddresses().find((a) => !a.startsWith('127.'))!;
    let accepted = 0;
    server.on('connection', () => accepted++);
    try {
      const out = dockerExec(
        name,
        `curl -sS --noproxy '*' --max-time 5 http://${address}:${port}/ 2>&1; echo "exit=$?"`,
      );
      expect(out).not.toContain('reached');
      expect(out).toMatch(/exit=(7|28)$/);
      expect(accepted).toBe(0);
    } finally {
      server.close();
    }
  });

  it('reaches the npm registry (built-in) and a Debian source (from config.toml) through the proxy', () => {
    expect(dockerExec(name, 'npm view left-pad version 2>/dev/null')).toMatch(/^\d+\.\d+\.\d+$/);
    const apt = dockerExec(
      name,
      [
        'mkdir -p /tmp/apt/lists/partial /tmp/apt/cache/archives/partial',
        'echo "deb http://deb.debian.org/debian bookworm-updates main" > /tmp/apt/sources.list',
        'apt-get -o Dir::Etc::SourceList=/tmp/apt/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=/tmp/apt/lists -o Dir::Cache=/tmp/apt/cache -o Debug::NoLocking=1 -o Acquire::Languages=none update 2>&1',
        'ls /tmp/apt/lists',
      ].join(' && '),
    );
    expect(apt).toMatch(/deb\.debian\.org_debian_dists_bookworm-updates_InRelease/);
  });

  it('refuses any other host with 403 from our proxy at once, https and git alike', () => {
    const started = Date.now();
    const curl = dockerExec(
      name,
      'curl -sS -o /dev/null -w "%{http_code}" https://example.com/ 2>&1; echo " exit=$?"',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(curl).toMatch(/CONNECT tunnel failed, response 403/);
    const plain = dockerExec(name, 'curl -s -o /dev/null -w "%{http_code}" http://example.com/');
    expect(plain).toBe('403');
    const git = dockerExec(name, 'git ls-remote https://example.org/x.git 2>&1; echo "exit=$?"');
    expect(git).toMatch(/CONNECT tunnel failed, response 403/);
    expect(git).toMatch(/exit=128/);
  });

  it('every agent CLI goes through the proxy: its API host is refused there, not tried directly', async () => {
    // Each CLI's first request, with a fake token: the host it names must show as refused.
    const probes: Record<string, { command: string; hosts: string[] }> = {
      claude: { command: 'claude -p hello --dangerously-skip-permissions', hosts: ['api.anthropic.com'] },
      codex: {
        command: 'codex exec --dangerously-bypass-approvals-and-sandbox hello',
        hosts: ['api.openai.com', 'chatgpt.com'],
      },
      copilot: {
        command: 'copilot -p hello --allow-all-tools',
        hosts: ['api.github.com', 'api.githubcopilot.com'],
      },
      gemini: {
        command: 'gemini -p hello --approval-mode=yolo',
        hosts: ['generativelanguage.googleapis.com'],
      },
    };
    for (const { command } of Object.values(probes)) {
      // In the background, bounded inside the container: the agents retry for a while.
      spawn(
        'docker',
        [
          'exec',
          '-d',
          '-e',
          'GEMINI_CLI_TRUST_WORKSPACE=true',
          '-w',
          '/workspace',
          name,
          '/usr/local/bin/launch-agent-entrypoint',
        ].concat(['sh', '-c', `timeout 90 ${command} </dev/null >/dev/null 2>&1`]),
        { stdio: 'ignore' },
      );
    }
    const missing = () =>
      Object.keys(probes).filter((agent) => !probes[agent]!.hosts.some((h) => refused.has(h)));
    const refused = new Set<string>();
    const deadline = Date.now() + 90_000;
    while (missing().length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const report = parseJson<EgressReport>(await cli('egress', name, '--json'));
      for (const h of report.refused) refused.add(h.host);
    }
    expect(missing(), `refused so far: ${[...refused].join(', ')}`).toEqual([]);
  });

  it('egress NAME --json: one document of allowed and refused hosts with counts and last times', async () => {
    const result = await cli('egress', name, '--json');
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson<EgressReport>(result);
    expect(report.name).toBe(name);
    const allowed = new Map(report.allowed.map((h) => [h.host, h]));
    expect(allowed.get('registry.npmjs.org')?.count).toBeGreaterThanOrEqual(1);
    expect(allowed.get('deb.debian.org')?.count).toBeGreaterThanOrEqual(1);
    const example = report.refused.find((h) => h.host === 'example.com');
    expect(example).toMatchObject({ count: 2, reason: 'not-listed' });
    expect(Date.parse(example!.last)).toBeGreaterThan(Date.parse(launched.created));
    expect(report.refused.map((h) => h.host)).toContain('example.org');
    const human = await cli('egress', name);
    expect(human.stdout).toMatch(/^refused\s+example\.com\s+2\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
    expect(human.stdout).toMatch(/^allowed\s+registry\.npmjs\.org\s+\d+/m);
  });

  it('egress NAME --list: the effective list, each host with where it came from', async () => {
    const result = await cli('egress', name, '--list', '--json');
    expect(result.code, result.stderr).toBe(0);
    const { allow } = parseJson<{ allow: Array<{ host: string; from: string }> }>(result);
    const userConfig = path.join(fixture.home, '.config', 'launch-agent', 'config.toml');
    expect(allow).toEqual([
      { host: 'registry.npmjs.org', from: 'built-in: npm' },
      { host: 'deb.debian.org', from: userConfig },
      { host: 'repo-only.example.org', from: path.join(fixture.repo, 'config.toml') },
      { host: 'flag.example.net', from: '--allow' },
      { host: 'mcp.example.io', from: 'mcp_servers.docs' },
    ]);
  });

  it('egress -f prints each request as it is decided', async () => {
    const child = spawn(process.execPath, [binPath, 'egress', name, '-f'], {
      env: { ...process.env, ...launchEnv(fixture) },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      dockerExec(name, 'curl -s -o /dev/null https://follow.example.com/ || true');
      const deadline = Date.now() + 10_000;
      while (!out.includes('follow.example.com') && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(out).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}refused {2}follow\.example\.com$/m);
    } finally {
      child.kill('SIGINT');
    }
  });

  it('the way back needs no network: a push lands in the host repo', async () => {
    dockerExec(
      name,
      'echo x > pushed.txt && git add pushed.txt && git commit -qm pushed-through-the-gate && git push -q 2>&1',
    );
    const sync = await cli('sync', name, '--json');
    expect(sync.code, sync.stderr).toBe(0);
    expect(ownerGit(fixture.repo, 'log', '-1', '--format=%s', launched.branch)).toBe(
      'pushed-through-the-gate',
    );
  });

  it('stop and start keep the mode: the proxy stops and starts with the session', async () => {
    expect((await cli('stop', name)).code).toBe(0);
    expect(docker('inspect', '--format', '{{.State.Running}}', `${name}-egress`)).toBe('false');
    expect((await cli('start', name)).code).toBe(0);
    expect(docker('inspect', '--format', '{{.State.Running}}', `${name}-egress`)).toBe('true');
    expect(docker('inspect', '--format', '{{.HostConfig.NetworkMode}}', name)).toBe(`${name}-egress`);
    expect(dockerExec(name, 'curl -s -o /dev/null -w "%{http_code}" http://example.com/')).toBe('403');
  });

  it('rm removes the proxy and the network with the session', async () => {
    const result = await cli('rm', '--force', name);
    expect(result.code, result.stderr).toBe(0);
    expect(egressObjects(name)).toEqual({ containers: [], networks: [] });
    name = '';
  });
});

describe('allowlist: errors and cleanup', () => {
  let fixture: Fixture;

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`egress-err-${Date.now().toString(36)}`);
  });
  afterAll(() => {
    fixture?.cleanup();
  });

  it('refuses a bad --allow and --allow without allowlist, creating nothing', async () => {
    const env = launchEnv(fixture);
    const bad = await runCli(
      [fixture.repo, '-b', 'bad', '--network', 'allowlist', '--allow', 'https://x.io', '--detach'],
      { env },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--allow: expected a host name like api\.example\.com or \*\.example\.com, got `https:\/\/x\.io`/,
    );
    const outside = await runCli([fixture.repo, '-b', 'bad', '--allow', 'x.io', '--detach'], { env });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/--allow needs --network allowlist/);
    const name = `claude-${path.basename(fixture.repo)}-bad`;
    expect(egressObjects(name)).toEqual({ containers: [], networks: [] });
    expect(() => docker('inspect', name)).toThrow();
  });

  it('--dry-run shows the allow-list the launch would use, creating nothing', async () => {
    const result = await runCli(
      [fixture.repo, '-b', 'dry', '--network', 'allowlist', '--allow', 'x.example.io', '--dry-run', '--json'],
      { env: launchEnv(fixture) },
    );
    expect(result.code, result.stderr).toBe(0);
    const plan = parseJson<{ network: string; allow: Array<{ host: string; from: string }> }>(result);
    expect(plan.network).toBe('allowlist');
    expect(plan.allow).toContainEqual({ host: 'api.anthropic.com', from: 'built-in: claude' });
    expect(plan.allow).toContainEqual({ host: 'x.example.io', from: '--allow' });
    expect(egressObjects(`claude-${path.basename(fixture.repo)}-dry`)).toEqual({
      containers: [],
      networks: [],
    });
  });

  it('Ctrl-C during an allowlist launch leaves no proxy and no network', async () => {
    const feature = 'interrupted';
    const name = `claude-${path.basename(fixture.repo)}-${feature}`;
    const child = spawn(
      process.execPath,
      [binPath, fixture.repo, '-b', feature, '--network', 'allowlist', '--detach', '--verbose'],
      { env: { ...process.env, ...launchEnv(fixture) }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The network exists and the proxy is being made while the agent container is created.
        if (stderr.includes('create: creating') && !child.killed) child.kill('SIGINT');
      });
      child.on('close', resolve);
    });
    try {
      expect(code, stderr).toBe(130);
      expect(egressObjects(name)).toEqual({ containers: [], networks: [] });
    } finally {
      removeContainer(name);
    }
  });
});
