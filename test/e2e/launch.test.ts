import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentName } from '../../src/agents/types.js';
import { parseJson, runCli } from '../helpers/cli.js';
import {
  chownTree,
  docker,
  dockerExec,
  FAKE_SECRETS,
  FIXTURE_GID,
  FIXTURE_UID,
  type Fixture,
  type Launched,
  launchEnv,
  makeFixture,
  ourObjects,
  ownerGit,
  removeContainer,
} from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';

const agents: AgentName[] = ['claude', 'codex', 'copilot', 'gemini'];
const credentialFile: Record<AgentName, string> = {
  claude: '.claude/.credentials.json',
  codex: '.codex/auth.json',
  copilot: '.config/gh',
  gemini: '.gemini/oauth_creds.json',
};
const tokenVar: Record<AgentName, keyof typeof FAKE_SECRETS> = {
  claude: 'CLAUDE_CODE_OAUTH_TOKEN',
  codex: 'CODEX_API_KEY',
  copilot: 'COPILOT_GITHUB_TOKEN',
  gemini: 'GEMINI_API_KEY',
};

function filesNotOwnedBy(dir: string, uid: number): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const info = statSync(p, { throwIfNoEntry: false });
    if (!info) return;
    if (info.uid !== uid) out.push(p);
    if (info.isDirectory()) for (const child of readdirSync(p)) walk(path.join(p, child));
  };
  walk(dir);
  return out;
}

/**
 * The engine here is local, so a launch copies through a helper container (`bind`); two agents
 * force the archive stream every remote engine, Docker Desktop and Podman get, so both ways
 * of filling the workspace pass the same checks.
 */
const copyMethod: Record<AgentName, 'bind' | 'stream'> = {
  claude: 'bind',
  codex: 'stream',
  copilot: 'bind',
  gemini: 'stream',
};

describe.each(agents)('launch --agent %s', (agent) => {
  let fixture: Fixture;
  let launched: Launched;
  let output: string;
  const hostStatusBefore: { status?: string; head?: string } = {};

  beforeAll(async () => {
    await ensureTestImages(agent);
    fixture = makeFixture(`demo-${agent}-${Date.now().toString(36)}`);
    hostStatusBefore.status = ownerGit(fixture.repo, 'status', '--porcelain');
    hostStatusBefore.head = ownerGit(fixture.repo, 'rev-parse', 'HEAD');
    const env = {
      ...launchEnv(fixture),
      LAUNCH_AGENT_COPY: copyMethod[agent] === 'stream' ? 'stream' : 'auto',
    };
    const result = await runCli([fixture.repo, '--agent', agent, '-b', 'feat', '--detach', '--json'], {
      env,
    });
    output = result.stdout + result.stderr;
    expect(result.code, result.stderr).toBe(0);
    launched = parseJson<Launched>(result);
  });

  afterAll(() => {
    if (launched) removeContainer(launched.name);
    fixture?.cleanup();
  });

  it('prints one JSON object describing the container', () => {
    expect(launched.name).toBe(`${agent}-${path.basename(fixture.repo)}-feat`);
    expect(launched.branch).toBe(`${agent}/feat`);
    expect(launched.agent).toBe(agent);
    expect(launched.image).toMatch(new RegExp(`^launch-agent/${agent}:`));
    expect(launched.workspace).toEqual({ volume: `${launched.name}-workspace`, path: '/workspace' });
    expect(launched.remotes).toEqual({
      local: '/workspace/.git/launch-agent-gate',
      origin: 'https://example.com/acme/demo-repo.git',
    });
    expect(launched.vscodeUri).toMatch(/^vscode-remote:\/\/attached-container\+[0-9a-f]+\/workspace$/);
    expect(Number.isNaN(Date.parse(launched.created))).toBe(false);
    expect(launched.copied.method).toBe(copyMethod[agent]);
    expect(launched.copied.files).toBeGreaterThan(5);
    expect(launched.copied.bytes).toBeGreaterThan(0);
  });

  it('leaves no copy helper behind', async () => {
    const left = () =>
      docker('ps', '-a', '--format', '{{.Names}}', '--filter', 'label=dev.launch-agent.kind=copy')
        .split('\n')
        .filter((n) => n.startsWith(`${launched.name}-copy-`));
    // The engine removes the helper as it exits, a moment after the launch stops waiting for it.
    for (let i = 0; i < 100 && left().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(left()).toEqual([]);
  });

  it('has the labels, limits and security defaults', () => {
    const info = JSON.parse(docker('inspect', launched.name))[0];
    expect(info.Config.Labels).toMatchObject({
      'dev.launch-agent.managed': 'true',
      'dev.launch-agent.agent': agent,
      'dev.launch-agent.branch': `${agent}/feat`,
      'dev.launch-agent.volume': `${launched.name}-workspace`,
    });
    expect(info.Config.Labels['devcontainer.metadata']).toContain('"remoteUser"');
    expect(info.Config.User).toBe(`${FIXTURE_UID}:${FIXTURE_UID}`);
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.CapAdd ?? []).toEqual([]);
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.PidsLimit).toBe(512);
    expect(info.HostConfig.Memory).toBe(4 * 1024 ** 3);
    expect(info.HostConfig.NanoCpus).toBe(2e9);
    expect(info.HostConfig.PortBindings ?? {}).toEqual({});
    expect(info.State.Running).toBe(true);
    const mounts = info.Mounts as Array<{ Destination: string; RW: boolean; Source: string }>;
    const mount = (dest: string) => mounts.find((m) => m.Destination === dest);
    expect(mount('/run/launch-agent/secrets.env')?.RW).toBe(false);
    expect(mount(`/run/launch-agent/auth/${agent}/${credentialFile[agent]}`)?.RW).toBe(false);
    // Nothing of the host repo is writable; its history is borrowed read-only (bind) or copied.
    const ofRepo = mounts.filter((m) => m.Source.startsWith(fixture.repo));
    expect(ofRepo.every((m) => !m.RW)).toBe(true);
    expect(ofRepo.map((m) => m.Destination)).toEqual(
      copyMethod[agent] === 'bind' ? ['/run/launch-agent/host-objects'] : [],
    );
    expect(launched.copied.history).toBe(copyMethod[agent] === 'bind' ? 'shared' : 'copied');
  });

  it('runs tini as PID 1 and nothing as root; exec without -u is not root', () => {
    const ps = docker('exec', launched.name, 'ps', '-eo', 'pid,uid,comm', '--no-headers');
    const rows = ps.split('\n').map((line) => line.trim().split(/\s+/));
    expect(rows.find((r) => r[0] === '1')?.[2]).toBe('tini');
    for (const row of rows) expect(row[1], ps).toBe(String(FIXTURE_UID));
    expect(docker('exec', launched.name, 'id', '-un')).toBe('agent');
  });

  it('holds the host work on the new branch, uncommitted work exactly as on the host, no ignored files', () => {
    expect(dockerExec(launched.name, 'git rev-parse --abbrev-ref HEAD')).toBe(`${agent}/feat`);
    expect(dockerExec(launched.name, 'git rev-parse HEAD')).toBe(hostStatusBefore.head);
    expect(dockerExec(launched.name, 'git status --porcelain')).toBe(hostStatusBefore.status);
    expect(dockerExec(launched.name, 'test ! -e .env && test ! -e node_modules && echo absent')).toBe(
      'absent',
    );
    expect(dockerExec(launched.name, 'readlink outside-link')).toBe('/etc/hostname');
    expect(dockerExec(launched.name, 'cat private.txt')).toBe('owner only');
    expect(dockerExec(launched.name, 'stat -c %a run.sh')).toBe('755');
    expect(dockerExec(launched.name, 'find /workspace ! -user agent | head -5')).toBe('');
  });

  it('has origin and local remotes, and git push lands the branch in the host repo', async () => {
    const remotes = dockerExec(launched.name, 'git remote -v');
    expect(remotes).toContain('origin\thttps://example.com/acme/demo-repo.git (fetch)');
    expect(remotes).toContain('local\t/workspace/.git/launch-agent-gate (push)');
    const push = dockerExec(
      launched.name,
      'echo agent > agent.txt && git add agent.txt && git commit -q -m "agent commit" && git push 2>&1',
    );
    // The host's watcher fetches it from the gate; the push says what landed.
    expect(push).toMatch(new RegExp(`${agent}/feat (landed|is) in ${fixture.repo}`));
    expect(ownerGit(fixture.repo, 'log', '-1', '--format=%s', `${agent}/feat`)).toBe('agent commit');
    // Everything the landing wrote belongs to the repo's owner (checked before the host's own git,
    // run here as root, touches the index).
    expect(filesNotOwnedBy(path.join(fixture.repo, '.git'), FIXTURE_UID)).toEqual([]);
    // The host's checkout is untouched.
    expect(ownerGit(fixture.repo, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(ownerGit(fixture.repo, 'rev-parse', 'HEAD')).toBe(hostStatusBefore.head);
    expect(ownerGit(fixture.repo, 'status', '--porcelain')).toBe(hostStatusBefore.status);
  });

  it('sees nothing of the host repo but its objects, read-only', () => {
    const mounts = dockerExec(launched.name, 'grep " /run/launch-agent/host" /proc/mounts || true');
    if (copyMethod[agent] === 'bind')
      expect(mounts).toMatch(/^\S+ \/run\/launch-agent\/host-objects \S+ ro[, ]/);
    else expect(mounts).toBe('');
    expect(
      dockerExec(launched.name, '(touch /run/launch-agent/host-objects/x) 2>/dev/null || echo refused'),
    ).toBe('refused');
  });

  it('gives the agent its secrets, and shows them nowhere else', () => {
    const env = dockerExec(launched.name, 'env');
    expect(env).toContain(`${tokenVar[agent]}=${FAKE_SECRETS[tokenVar[agent]]}`);
    expect(env).toContain(`FAKE_SECRET_QUOTED=${FAKE_SECRETS.FAKE_SECRET_QUOTED}`);
    const inspect = docker('inspect', launched.name);
    const history = docker('history', '--no-trunc', launched.image);
    for (const value of Object.values(FAKE_SECRETS)) {
      expect(inspect).not.toContain(value);
      expect(history).not.toContain(value);
      expect(output).not.toContain(value);
    }
  });

  it('makes the host login available read-only in the writable home', () => {
    const check = dockerExec(
      launched.name,
      `test -r ~/${credentialFile[agent]} && echo readable; (echo x >> /run/launch-agent/auth/${agent}/${credentialFile[agent]}) 2>/dev/null || echo read-only; touch ~/.state-test && echo home-writable`,
    );
    expect(check.split('\n')).toEqual(['readable', 'read-only', 'home-writable']);
  });
});

describe('launch: bad input', () => {
  let fixture: Fixture;

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`bad-input-${Date.now().toString(36)}`);
  });
  afterAll(() => fixture?.cleanup());

  const repoName = () => path.basename(fixture.repo);
  const leftovers = () => {
    const { containers, volumes } = ourObjects();
    return [...containers, ...volumes].filter((n) => n.includes(repoName()));
  };

  it.each([
    ['a missing path', (f: Fixture) => [path.join(f.dir, 'nope'), '--detach'], /no such folder/],
    ['a folder that is not a repo', (f: Fixture) => [f.home, '--detach'], /not a git repository/],
    ['an unknown agent', (f: Fixture) => [f.repo, '--agent', 'robot', '--detach'], /unknown agent `robot`/],
    ['a bad --memory', (f: Fixture) => [f.repo, '--memory', 'lots', '--detach'], /--memory must be a size/],
    [
      'a bad --cpus',
      (f: Fixture) => [f.repo, '--cpus', 'abc', '--detach'],
      /--cpus must be a positive number, got `abc`/,
    ],
    ['two modes', (f: Fixture) => [f.repo, '--detach', '--shell'], /choose one of/],
  ])(
    '%s: non-zero exit, one-line error and hint, no stack, nothing created',
    async (_what, args, message) => {
      const result = await runCli(args(fixture), { env: launchEnv(fixture) });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/^error: .+\nhint: .+\n$/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(leftovers()).toEqual([]);
    },
  );

  it('--replace starts afresh when the old workspace holds nothing unpushed', async () => {
    const clean = path.join(fixture.dir, 'clean-repo');
    ownerGit(fixture.dir, 'clone', '-q', fixture.repo, clean);
    const first = await runCli([clean, '-b', 'again', '--detach', '--json'], { env: launchEnv(fixture) });
    expect(first.code, first.stderr).toBe(0);
    const { name, id } = parseJson<Launched>(first);
    try {
      const second = await runCli([clean, '-b', 'again', '--detach', '--json', '--replace'], {
        env: launchEnv(fixture),
      });
      expect(second.code, second.stderr).toBe(0);
      expect(parseJson<Launched>(second).id).not.toBe(id);
      expect(parseJson<Launched>(second).name).toBe(name);
    } finally {
      removeContainer(name);
    }
  });

  it('a leftover workspace volume is never reused or deleted', async () => {
    const name = `claude-${repoName()}-orphan`;
    docker('volume', 'create', '--label', 'dev.launch-agent.managed=true', `${name}-workspace`);
    try {
      const result = await runCli([fixture.repo, '-b', 'orphan', '--detach'], { env: launchEnv(fixture) });
      expect(result.code).toBe(5);
      expect(result.stderr).toMatch(new RegExp(`volume ${name}-workspace already exists`));
      expect(ourObjects().containers).not.toContain(name);
      expect(ourObjects().volumes).toContain(`${name}-workspace`);
    } finally {
      docker('volume', 'rm', `${name}-workspace`);
    }
  });

  it('engine down: names the endpoint and what to do', async () => {
    const result = await runCli([fixture.repo, '--detach'], {
      env: { ...launchEnv(fixture), DOCKER_HOST: 'unix:///tmp/launch-agent-no-engine.sock' },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/unix:\/\/\/tmp\/launch-agent-no-engine.sock/);
    expect(result.stderr).toMatch(/hint: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a name in use: error names --replace and launch-agent shell; --replace keeps uncommitted work', async () => {
    const first = await runCli([fixture.repo, '-b', 'dup', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    expect(first.code, first.stderr).toBe(0);
    const { name, id } = parseJson<Launched>(first);
    try {
      const second = await runCli([fixture.repo, '-b', 'dup', '--detach'], { env: launchEnv(fixture) });
      expect(second.code).toBe(5);
      expect(second.stderr).toMatch(/already exists/);
      expect(second.stderr).toMatch(/--replace/);
      expect(second.stderr).toMatch(new RegExp(`launch-agent shell ${name}`));
      expect(docker('inspect', '--format', '{{.Id}}', name)).toBe(id);
      // Its workspace holds the host's uncommitted work: --replace refuses to throw it away.
      const refused = await runCli([fixture.repo, '-b', 'dup', '--detach', '--replace'], {
        env: launchEnv(fixture),
      });
      expect(refused.code).toBe(5);
      expect(refused.stderr).toMatch(/--replace would lose work/);
      expect(refused.stderr).toMatch(/uncommitted change/);
      expect(docker('inspect', '--format', '{{.Id}}', name)).toBe(id);
    } finally {
      removeContainer(name);
    }
  });
});

describe('launch: isolation and robustness', () => {
  let fixture: Fixture;
  const names: string[] = [];

  beforeAll(async () => {
    await ensureTestImages('claude');
    await ensureTestImages('codex');
    fixture = makeFixture(`robust-${Date.now().toString(36)}`);
  });
  afterAll(() => {
    for (const name of names) removeContainer(name);
    fixture?.cleanup();
  });

  it('--network none still launches fully', async () => {
    const result = await runCli([fixture.repo, '-b', 'offline', '--network', 'none', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    expect(result.code, result.stderr).toBe(0);
    const { name } = parseJson<Launched>(result);
    names.push(name);
    expect(docker('inspect', '--format', '{{.HostConfig.NetworkMode}}', name)).toBe('none');
    expect(dockerExec(name, 'git rev-parse --abbrev-ref HEAD')).toBe('claude/offline');
  });

  it('--auth rw lets a token refresh in the container reach the host login', async () => {
    const result = await runCli([fixture.repo, '-b', 'authrw', '--auth', 'rw', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    expect(result.code, result.stderr).toBe(0);
    const { name } = parseJson<Launched>(result);
    names.push(name);
    const info = JSON.parse(docker('inspect', name))[0];
    const mount = (info.Mounts as Array<{ Destination: string; RW: boolean }>).find(
      (m) => m.Destination === '/run/launch-agent/auth/claude/.claude/.credentials.json',
    );
    expect(mount?.RW).toBe(true);
    dockerExec(name, 'printf %s \'{"refreshed":true}\' > ~/.claude/.credentials.json');
    const hostFile = path.join(fixture.home, '.claude', '.credentials.json');
    expect((await import('node:fs')).readFileSync(hostFile, 'utf8')).toBe('{"refreshed":true}');
  });

  it('says when the agent cannot read the secrets file (owner mismatch) and when the repo is root-owned', async () => {
    const rootRepo = path.join(fixture.dir, 'root-owned');
    ownerGit(fixture.dir, 'clone', '-q', fixture.repo, rootRepo);
    execFileSync('chown', ['-R', '0:0', rootRepo]);
    const result = await runCli([rootRepo, '-b', 'rootrepo', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    expect(result.code, result.stderr).toBe(0);
    const launched = parseJson<Launched>(result);
    names.push(launched.name);
    expect(launched.user).toBe('1000:1000');
    expect(launched.warnings.join('\n')).toMatch(/owned by root: the agent runs as uid 1000/);
    expect(launched.warnings.join('\n')).toMatch(
      /secrets\.env belongs to uid 1234 and is not readable by the agent \(uid 1000\)/,
    );
  });

  it('two agents on one repo run side by side, isolated', async () => {
    const [a, b] = await Promise.all(
      ['claude', 'codex'].map((agent) =>
        runCli([fixture.repo, '--agent', agent, '-b', 'pair', '--detach', '--json'], {
          env: launchEnv(fixture),
        }),
      ),
    );
    expect(a!.code, a!.stderr).toBe(0);
    expect(b!.code, b!.stderr).toBe(0);
    const first = parseJson<Launched>(a!);
    const second = parseJson<Launched>(b!);
    names.push(first.name, second.name);
    dockerExec(first.name, 'echo only-in-claude > mine.txt');
    expect(dockerExec(second.name, 'test -e mine.txt && echo shared || echo isolated')).toBe('isolated');
    expect(first.workspace.volume).not.toBe(second.workspace.volume);
  });

  it('five parallel launches of one repo all succeed with distinct names', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        runCli([fixture.repo, '--detach', '--json'], { env: launchEnv(fixture) }),
      ),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const launched = results.map((r) => parseJson<Launched>(r));
    names.push(...launched.map((l) => l.name));
    expect(new Set(launched.map((l) => l.name)).size).toBe(5);
    expect(new Set(launched.map((l) => l.branch)).size).toBe(5);
  });

  it.each(['bind', 'stream'])('Ctrl-C during a launch (%s copy) removes what it created', async (method) => {
    const { spawn } = await import('node:child_process');
    const { binPath } = await import('../helpers/cli.js');
    // A big file makes the copy long enough to interrupt.
    const big = path.join(fixture.repo, 'big.bin');
    execFileSync('dd', ['if=/dev/zero', `of=${big}`, 'bs=1M', 'count=200', 'status=none']);
    const feature = `interrupted-${method}`;
    const child = spawn(process.execPath, [binPath, fixture.repo, '-b', feature, '--detach', '--verbose'], {
      env: { ...process.env, ...launchEnv(fixture), LAUNCH_AGENT_COPY: method },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('copy: copying') && !child.killed) child.kill('SIGINT');
      });
      child.on('close', resolve);
    });
    execFileSync('rm', ['-f', big]);
    expect(code, stderr).toBe(130);
    const name = `claude-${path.basename(fixture.repo)}-${feature}`;
    const { containers, volumes } = ourObjects();
    expect(containers.filter((c) => c.startsWith(name))).toEqual([]);
    expect(volumes).not.toContain(`${name}-workspace`);
  });
});

describe('launch: after ready', () => {
  let fixture: Fixture;
  const names: string[] = [];

  beforeAll(async () => {
    await ensureTestImages('claude');
    await ensureTestImages('gemini');
    fixture = makeFixture(`modes-${Date.now().toString(36)}`);
  });
  afterAll(() => {
    for (const name of names) removeContainer(name);
    fixture?.cleanup();
  });

  it('attaches a terminal (raw mode, window size); leaving returns and the container keeps running', async () => {
    const { binPath } = await import('../helpers/cli.js');
    const name = `claude-${path.basename(fixture.repo)}-tty`;
    names.push(name);
    // `script` gives the launcher a real pseudo-terminal, as a user's shell would.
    const command = `stty cols 101 rows 33; ${process.execPath} ${binPath} ${fixture.repo} --shell -b tty`;
    const { spawn } = await import('node:child_process');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, ...launchEnv(fixture), TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('/workspace') && out.includes('$ ') && !out.includes('INSIDE-')) {
        child.stdin.write('echo INSIDE-$((6*7)) $(tput cols)x$(tput lines) $(id -un); exit 3\n');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(out).toContain('INSIDE-42 101x33 agent');
    expect(code).toBe(0);
    expect(out).toContain(`${name} keeps running`);
    expect(docker('inspect', '--format', '{{.State.Running}}', name)).toBe('true');
  });

  it('--prompt runs the headless agent, streams its output on stdout and exits with its code', async () => {
    const emptySecrets = path.join(fixture.dir, 'empty.env');
    (await import('node:fs')).writeFileSync(emptySecrets, '');
    const result = await runCli(
      [
        fixture.repo,
        '--agent',
        'gemini',
        '-b',
        'headless',
        '--auth',
        'none',
        '--secrets',
        emptySecrets,
        '--prompt',
        'say hi',
      ],
      { env: launchEnv(fixture) },
    );
    names.push(`gemini-${path.basename(fixture.repo)}-headless`);
    // Gemini CLI's own exit code for "no auth method", from its headless mode.
    expect(result.code, result.stderr).toBe(41);
    expect(result.stdout + result.stderr).toMatch(/GEMINI_API_KEY/);
    expect(result.stdout).not.toMatch(/is ready/);
    expect(result.stderr).toMatch(/is ready/);
  });
});

describe('launch: user defaults from config.toml', () => {
  let fixture: Fixture;
  const names: string[] = [];

  beforeAll(async () => {
    await ensureTestImages('codex');
    fixture = makeFixture(`defaults-${Date.now().toString(36)}`);
  });
  afterAll(() => {
    for (const name of names) removeContainer(name);
    fixture?.cleanup();
  });

  it('default_agent and [defaults] apply; flags win over them', async () => {
    const { writeFileSync } = await import('node:fs');
    const config = path.join(fixture.home, '.config', 'launch-agent', 'config.toml');
    writeFileSync(config, 'default_agent = "codex"\n\n[defaults]\nmemory = "1g"\npids = 256\n');
    const result = await runCli([fixture.repo, '-b', 'cfg', '--pids', '300', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    expect(result.code, result.stderr).toBe(0);
    const launched = parseJson<Launched>(result);
    names.push(launched.name);
    expect(launched.agent).toBe('codex');
    const info = JSON.parse(docker('inspect', launched.name))[0];
    expect(info.HostConfig.Memory).toBe(1024 ** 3);
    expect(info.HostConfig.PidsLimit).toBe(300);

    writeFileSync(config, 'default_agent = 42\n');
    const bad = await runCli([fixture.repo, '-b', 'cfg2', '--detach'], { env: launchEnv(fixture) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/config\.toml:1:1 default_agent: expected a non-empty string, got 42/);
  });

  it('a bad [defaults] value or bad TOML is named by file, line, column and key, never by a flag; nothing is created', async () => {
    const { writeFileSync } = await import('node:fs');
    const config = path.join(fixture.home, '.config', 'launch-agent', 'config.toml');
    const leftovers = () =>
      Object.values(ourObjects())
        .flat()
        .filter((n) => n.includes(path.basename(fixture.repo)) && n.includes('cfg3'));
    writeFileSync(config, '[defaults]\nmemory = "lots"\n');
    const bad = await runCli([fixture.repo, '-b', 'cfg3', '--detach'], { env: launchEnv(fixture) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `error: ${config}:2:1 defaults.memory must be a size such as 4g, 512m or 2GiB, got \`lots\`\n` +
        `hint: fix memory under [defaults] in ${config} (a flag given on the command line wins over it)\n`,
    );
    writeFileSync(config, 'default_agent = "codex"\n[defaults]\ncpus = \n');
    const toml = await runCli([fixture.repo, '-b', 'cfg3', '--detach'], { env: launchEnv(fixture) });
    expect(toml.code).toBe(2);
    expect(toml.stderr).toMatch(new RegExp(`^error: ${config}:3:8: invalid TOML: `));
    expect(leftovers()).toEqual([]);
    writeFileSync(config, '');
  });
});

describe("launch: the repo's config lives in .launch-agent/", () => {
  let fixture: Fixture;
  const names: string[] = [];

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`repocfg-${Date.now().toString(36)}`);
  });
  afterAll(() => {
    for (const name of names) removeContainer(name);
    fixture?.cleanup();
  });

  it("its MCP servers are used; another tool's config.toml at the root draws no warning", async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    writeFileSync(
      path.join(fixture.repo, 'config.toml'),
      'baseURL = "https://example.org/"\ntitle = "Hugo"\n[params]\ncolor = "blue"\n',
    );
    mkdirSync(path.join(fixture.repo, '.launch-agent'));
    writeFileSync(
      path.join(fixture.repo, '.launch-agent', 'config.toml'),
      '[mcp_servers.from-repo]\ncommand = "node"\nargs = ["server.js"]\n',
    );
    chownTree(fixture.repo, FIXTURE_UID, FIXTURE_GID);
    const result = await runCli([fixture.repo, '-b', 'rc', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    expect(result.code, result.stderr).toBe(0);
    const launched = parseJson<Launched & { warnings: string[] }>(result);
    names.push(launched.name);
    expect(launched.warnings).toEqual([]);
    expect(result.stderr).not.toContain('warning');
    const servers = JSON.parse(dockerExec(launched.name, 'cat ~/.claude.json')).mcpServers;
    expect(Object.keys(servers)).toContain('from-repo');
  });

  it('a TOML error in it fails the launch at file:line:col before anything is created', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = path.join(fixture.repo, '.launch-agent', 'config.toml');
    writeFileSync(file, '[mcp_servers.x]\ncommand = "node\n');
    const result = await runCli([fixture.repo, '-b', 'rc2', '--detach'], { env: launchEnv(fixture) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:2:`);
    expect(result.stderr).toContain('invalid TOML');
    expect(
      Object.values(ourObjects())
        .flat()
        .filter((n) => n.includes('-rc2')),
    ).toEqual([]);
  });
});
