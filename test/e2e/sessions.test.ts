import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEPER_MARK } from '../../src/core/sessions/keeper.js';
import { binPath, parseJson, runCli } from '../helpers/cli.js';
import {
  docker,
  FAKE_SECRETS,
  type Fixture,
  git,
  makeFixture,
  removeContainer,
} from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';
import { testBaseImage } from '../setup/global-engine.js';

interface ListItem {
  name: string;
  agent: string;
  branch: string;
  state: string;
  running: boolean;
  volume: string;
  ahead: number | null;
  uncommitted: boolean | null;
}

describe('living with an agent container', () => {
  let fixture: Fixture;
  let name = '';
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, { env });
  const exec = (script: string) => cli('exec', name, '--', 'sh', '-c', script);
  const listed = async (all = false): Promise<ListItem> => {
    const repo = ['--repo', path.basename(fixture.repo)];
    const result = await cli('list', ...(all ? ['--all'] : []), ...repo, '--json');
    expect(result.code, result.stderr).toBe(0);
    const item = parseJson<ListItem[]>(result).find((i) => i.name === name);
    if (!item) throw new Error(`${name} is not in list --json:\n${result.stdout}`);
    return item;
  };

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`sess-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
    env = { ...fixture.env, LAUNCH_AGENT_BASE_IMAGE: testBaseImage() };
    const result = await cli(fixture.repo, '--agent', 'claude', '-b', 'feat', '--detach', '--json');
    expect(result.code, result.stderr).toBe(0);
    name = parseJson<{ name: string }>(result).name;
  });

  afterAll(() => {
    if (name) removeContainer(name);
    fixture?.cleanup();
  });

  it('list --json shows the container with its uncommitted work and nothing ahead', async () => {
    const item = await listed();
    expect(item).toMatchObject({ agent: 'claude', branch: 'claude/feat', state: 'running', running: true });
    expect(item.volume).toBe(`${name}-workspace`);
    expect(item.ahead).toBe(0);
    // The fixture carries modified, staged, deleted and untracked files.
    expect(item.uncommitted).toBe(true);
    const human = await cli('ls');
    expect(human.stdout).toMatch(
      new RegExp(
        `^${name}\\s+claude\\s+\\S+\\s+claude/feat\\s+running\\s+not started\\s+\\S+\\s+0\\s+yes$`,
        'm',
      ),
    );
    const quiet = await cli('list', '--quiet');
    expect(quiet.stdout.split('\n')).toContain(name);
  });

  it("list asks the container's keeper over attach (no exec), and concurrent lists each get their answer", async () => {
    expect(docker('inspect', '--format', '{{.Config.OpenStdin}} {{.Config.StdinOnce}}', name)).toBe(
      'true false',
    );
    expect(docker('inspect', '--format', '{{index .Config.Labels "dev.launch-agent.keeper"}}', name)).toBe(
      '2',
    );
    expect(docker('inspect', '--format', '{{json .HostConfig.LogConfig}}', name)).toBe(
      '{"Type":"json-file","Config":{"max-file":"2","max-size":"1m"}}',
    );
    // Status replies (`<nonce> ok ...`); each comes after its activity line (`<nonce>+ ...`).
    const replies = () =>
      docker('logs', name)
        .split('\n')
        .filter((l) => l.startsWith(`${KEEPER_MARK} `) && !l.split(' ')[1]?.endsWith('+'));
    const before = replies().length;
    const lists = await Promise.all([listed(), listed(), listed(), listed()]);
    for (const item of lists) expect(item).toMatchObject({ ahead: 0, uncommitted: true });
    // A reply per list (more if someone else listed meanwhile), each to its own nonce.
    const fresh = replies().slice(before);
    expect(fresh.length).toBeGreaterThanOrEqual(4);
    expect(new Set(fresh.map((l) => l.split(' ')[1])).size).toBe(fresh.length);
    for (const line of fresh) expect(line).toMatch(/ ok 0 1 1$/); // ahead, uncommitted, ready
  });

  it('finds the container by an unambiguous prefix and fails clearly for an unknown name', async () => {
    const byPrefix = await cli('exec', name.slice(0, -2), '--', 'true');
    expect(byPrefix.code, byPrefix.stderr).toBe(0);
    const unknown = await cli('exec', '--json', 'no-such-container-zz', '--', 'true');
    expect(unknown.code).toBe(4);
    expect(parseJson<{ error: { code: string; hint: string } }>(unknown).error).toMatchObject({
      code: 'CONTAINER_NOT_FOUND',
      hint: expect.stringContaining('launch-agent list'),
    });
    // Every command, interactive ones included, reports an unknown name the same way.
    for (const command of ['shell', 'attach', 'logs', 'stats', 'stop', 'start', 'rm', 'code']) {
      const result = await cli(command, 'no-such-container-zz', '--json');
      expect(result.code, `${command}: ${result.stderr}`).toBe(4);
      expect(parseJson<{ error: { code: string } }>(result).error.code).toBe('CONTAINER_NOT_FOUND');
    }
  });

  it('exec passes the exit code through, runs as the agent in /workspace and sees the secrets', async () => {
    const seven = await exec('exit 7');
    expect(seven.code).toBe(7);
    const who = await exec('id -un; pwd; echo "$CLAUDE_CODE_OAUTH_TOKEN"; echo "$FAKE_SECRET_QUOTED"');
    expect(who.code, who.stderr).toBe(0);
    expect(who.stdout.split('\n').slice(0, 4)).toEqual([
      'agent',
      '/workspace',
      FAKE_SECRETS.CLAUDE_CODE_OAUTH_TOKEN,
      FAKE_SECRETS.FAKE_SECRET_QUOTED,
    ]);
    const piped = await runCli(['exec', name, 'tr', 'a-z', 'A-Z'], { env, input: 'from stdin\n' });
    // Flags after NAME belong to the command, as with `docker exec`.
    const flags = await cli('exec', name, 'ls', '-a', '-1');
    expect(flags.code, flags.stderr).toBe(0);
    expect(flags.stdout.split('\n')).toEqual(expect.arrayContaining(['.git', 'README.md']));
    expect(piped.stdout).toBe('FROM STDIN\n');
    const json = await cli('exec', '--json', name, 'sh', '-c', 'echo out; echo err >&2; exit 3');
    expect(json.code).toBe(3);
    expect(parseJson(json)).toMatchObject({ name, exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('keeps /workspace across stop and start; a stopped container is checked without starting it', async () => {
    // The workspace (a volume) and the agent's home (the container's own layer) both survive.
    expect((await exec('echo persisted > /workspace/persist.txt && echo state > ~/.agent-state')).code).toBe(
      0,
    );
    const stop = await cli('stop', name, '--json', '--time', '2');
    expect(stop.code, stop.stderr).toBe(0);
    expect(parseJson<Array<{ name: string }>>(stop)).toEqual([
      expect.objectContaining({ name, state: 'exited' }),
    ]);
    const stopped = await listed(true);
    expect(stopped).toMatchObject({ state: 'exited', running: false, ahead: null, uncommitted: null });
    expect((await cli('list', '--json')).stdout).not.toContain(`"${name}"`);

    // rm and prune read the stopped workspace through a throwaway container and refuse.
    const rm = await cli('rm', name);
    expect(rm.code).toBe(5);
    expect(rm.stderr).toContain('?? persist.txt');
    // Scoped to this fixture's repo so other people's containers on this engine are left alone.
    const prune = await cli('prune', '--yes', '--repo', path.basename(fixture.repo), '--json');
    expect(prune.code, prune.stderr).toBe(0);
    const pruned = parseJson<{ removable: Array<{ name: string }>; kept: Array<{ name: string }> }>(prune);
    expect(pruned.removable.map((r) => r.name)).not.toContain(name);
    expect(pruned.kept.map((k) => k.name)).toEqual([name]);
    expect(docker('inspect', '--format', '{{.State.Status}}', name)).toBe('exited');
    expect(docker('ps', '-a', '--filter', `name=${name}-check-`, '--format', '{{.Names}}')).toBe('');

    // cp works on a stopped container too (its volume included).
    const saved = path.join(fixture.dir, 'persist-copy.txt');
    const cpStopped = await cli('cp', `${name}:persist.txt`, saved);
    expect(cpStopped.code, cpStopped.stderr).toBe(0);
    expect(readFileSync(saved, 'utf8')).toBe('persisted\n');

    const start = await cli('start', name.slice(0, -1));
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout.trim()).toBe(`started ${name}`);
    const after = await exec('cat /workspace/persist.txt ~/.agent-state');
    expect(after.stdout).toBe('persisted\nstate\n');
  });

  it('counts a commit made inside as ahead 1, and rm refuses listing it', async () => {
    const commit = await exec('git add -A && git commit -q -m "session work" && git log -1 --format=%h');
    expect(commit.code, commit.stderr).toBe(0);
    const sha = commit.stdout.trim();
    expect(await listed()).toMatchObject({ ahead: 1, uncommitted: false });

    const rm = await cli('rm', name);
    expect(rm.code).toBe(5);
    expect(rm.stderr).toContain('1 commit not in the host repo');
    expect(rm.stderr).toContain(`${sha} session work`);
    expect(rm.stderr).toContain('--force');
    // A container launched before the keeper (`sleep infinity`, no stdin, no keeper label) is
    // checked through exec: same workspace, same columns.
    const old = `la-e2e-old-${Date.now().toString(36)}`;
    const labels = JSON.parse(docker('inspect', '--format', '{{json .Config.Labels}}', name)) as Record<
      string,
      string
    >;
    const oldLabels = Object.entries(labels).filter(
      ([key]) => key !== 'dev.launch-agent.keeper' && key !== 'dev.launch-agent.volume',
    );
    try {
      docker(
        'run',
        '-d',
        '--name',
        old,
        ...oldLabels.flatMap(([key, value]) => ['--label', `${key}=${value}`]),
        '--user',
        docker('inspect', '--format', '{{.Config.User}}', name),
        '--mount',
        `type=volume,src=${name}-workspace,dst=/workspace,readonly`,
        // The history the workspace borrows from the host repo.
        '--mount',
        `type=bind,src=${path.join(fixture.repo, '.git', 'objects')},dst=/run/launch-agent/host-objects,readonly`,
        '--workdir',
        '/workspace',
        docker('inspect', '--format', '{{.Config.Image}}', name),
        'sleep',
        'infinity',
      );
      const repo = ['--repo', path.basename(fixture.repo)];
      const both = parseJson<ListItem[]>(await cli('list', ...repo, '--json'));
      expect(both.find((i) => i.name === old)).toMatchObject({ ahead: 1, uncommitted: false });
      expect(both.find((i) => i.name === name)).toMatchObject({ ahead: 1, uncommitted: false });
    } finally {
      docker('rm', '-f', old);
    }

    const rmJson = await cli('rm', name, '--json');
    expect(parseJson<{ error: { code: string; containers: unknown[] } }>(rmJson).error).toMatchObject({
      code: 'UNPUSHED_WORK',
      containers: [{ name, unpushed: [`${sha} session work`], uncommitted: [] }],
    });
    expect(docker('inspect', '--format', '{{.State.Running}}', name)).toBe('true');
  });

  it('is back to ahead 0 after git push, and the branch is on the host', async () => {
    const push = await exec('git push -q 2>&1');
    expect(push.code, push.stdout).toBe(0);
    expect(await listed()).toMatchObject({ ahead: 0, uncommitted: false });
    expect(git(fixture.repo, 'log', '-1', '--format=%s', 'claude/feat')).toBe('session work');
    // A commit on a side branch is unpushed work too, even with HEAD back on the pushed branch.
    const side = await exec(
      'git checkout -q -b side && echo s > side.txt && git add side.txt && git commit -q -m side && git checkout -q claude/feat',
    );
    expect(side.code, side.stderr).toBe(0);
    expect(await listed()).toMatchObject({ ahead: 1, uncommitted: false });
    expect((await exec('git branch -q -D side')).code).toBe(0);
    expect(await listed()).toMatchObject({ ahead: 0, uncommitted: false });
    // So is a stash, and rm says so.
    expect((await exec('echo wip >> README.md && git stash -q && git status --porcelain')).stdout).toBe('');
    expect(await listed()).toMatchObject({ ahead: 0, uncommitted: true });
    const rm = await cli('rm', name);
    expect(rm.code).toBe(5);
    expect(rm.stderr).toMatch(/stash@\{0\}: WIP on claude\/feat/);
    expect((await exec('git stash drop -q')).code).toBe(0);
    expect(await listed()).toMatchObject({ ahead: 0, uncommitted: false });
  });

  it('code --json gives the attached-container URI and writes the Dev Containers config under HOME', async () => {
    const result = await cli('code', name.slice(0, -1), '--json');
    expect(result.code, result.stderr).toBe(0);
    const out = parseJson<{ uri: string; configFile: string; opened: boolean }>(result);
    const hex = /^vscode-remote:\/\/attached-container\+([0-9a-f]+)\/workspace$/.exec(out.uri)?.[1];
    expect(hex).toBeDefined();
    expect(JSON.parse(Buffer.from(hex!, 'hex').toString('utf8'))).toEqual({ containerName: `/${name}` });
    const file = path.join(
      fixture.home,
      '.config/Code/User/globalStorage/ms-vscode-remote.remote-containers/nameConfigs',
      `${name}.json`,
    );
    expect(out.configFile).toBe(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      workspaceFolder: '/workspace',
      remoteUser: 'agent',
    });
    // With `code` on PATH it is run with the folder URI (a stand-in records its arguments).
    const bin = path.join(fixture.dir, 'code-bin');
    mkdirSync(bin, { recursive: true });
    const argsFile = path.join(fixture.dir, 'code-args');
    writeFileSync(path.join(bin, 'code'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${argsFile}\n`);
    chmodSync(path.join(bin, 'code'), 0o755);
    const opened = await runCli(['code', name], { env: { ...env, PATH: `${bin}:${process.env.PATH}` } });
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout).toContain('opened VS Code');
    expect(readFileSync(argsFile, 'utf8').split('\n').filter(Boolean)).toEqual(['--folder-uri', out.uri]);
    const label = docker('inspect', '--format', '{{index .Config.Labels "devcontainer.metadata"}}', name);
    expect(JSON.parse(label)[0]).toMatchObject({ remoteUser: 'agent' });
  });

  it('cp copies files and folders both ways, owned by the agent inside', async () => {
    const src = path.join(fixture.dir, 'to-container');
    mkdirSync(path.join(src, 'sub'), { recursive: true });
    writeFileSync(path.join(src, 'sub', 'a.txt'), 'alpha\n');
    writeFileSync(path.join(fixture.dir, 'one.txt'), 'one\n');
    expect((await cli('cp', src, `${name}:/tmp/in`)).code).toBe(0);
    expect((await cli('cp', path.join(fixture.dir, 'one.txt'), `${name}:/tmp/`)).code).toBe(0);
    const inside = await exec(
      'cat /tmp/in/sub/a.txt /tmp/one.txt; stat -c %U /tmp/in/sub/a.txt /tmp/one.txt',
    );
    expect(inside.stdout).toBe('alpha\none\nagent\nagent\n');

    const out = path.join(fixture.dir, 'from-container');
    mkdirSync(out);
    expect((await cli('cp', `${name}:/tmp/in`, out)).code).toBe(0);
    expect(readFileSync(path.join(out, 'in', 'sub', 'a.txt'), 'utf8')).toBe('alpha\n');
    const readme = path.join(fixture.dir, 'readme-copy.md');
    const copied = await cli('cp', `${name}:README.md`, readme);
    expect(copied.code, copied.stderr).toBe(0);
    expect(readFileSync(readme, 'utf8')).toBe('# demo\n');
    const missing = await cli('cp', `${name}:no/such/file`, fixture.dir);
    expect(missing.code).toBe(4);
  });

  it('shell gives a TTY session in /workspace and passes its exit code', async () => {
    // `script` gives the CLI a pseudo-terminal, as a user's terminal would.
    const child = spawn('script', ['-qec', `${process.execPath} ${binPath} shell ${name}`, '/dev/null'], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stdin.write('echo TTY-$((6*7)); tty; pwd; echo "$CLAUDE_CODE_OAUTH_TOKEN"; exit 3\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.destroy();
    expect(code, out).toBe(3);
    expect(out).toContain('TTY-42');
    expect(out).toMatch(/\/dev\/pts\/\d+/);
    const lines = out.split(/\r?\n/).map((l) => l.replace(/\r/g, ''));
    expect(lines).toContain('/workspace');
    expect(lines).toContain(FAKE_SECRETS.CLAUDE_CODE_OAUTH_TOKEN);
  });

  it("attach runs the agent's interactive command in a TTY, in its terminal session", async () => {
    const child = spawn('script', ['-qec', `${process.execPath} ${binPath} attach ${name}`, '/dev/null'], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      // The agent is the session's pane: its process, as the agent user.
      const agent = () => {
        try {
          const pid = docker(
            'exec',
            name,
            'tmux',
            '-L',
            'launch-agent',
            'display-message',
            '-p',
            '#{pane_pid}',
          );
          return docker('exec', name, 'ps', '-o', 'user:12=,comm=', '-p', pid).trim();
        } catch {
          return '';
        }
      };
      let seen = '';
      for (let i = 0; i < 60 && !/claude$/.test(seen); i++) {
        await new Promise((r) => setTimeout(r, 250));
        seen = agent();
      }
      expect(seen).toMatch(/^agent\s+claude$/);
    } finally {
      child.kill('SIGKILL');
      child.stdin.destroy();
      docker('exec', name, 'sh', '-c', 'pkill -x claude || true');
    }
  });

  it('port forwards 127.0.0.1 on the host into a container that has no network at all', async () => {
    const launched = await cli(
      fixture.repo,
      '--agent',
      'claude',
      '-b',
      'nonet',
      '--network',
      'none',
      '--detach',
      '--json',
    );
    expect(launched.code, launched.stderr).toBe(0);
    const isolated = parseJson<{ name: string }>(launched).name;
    try {
      expect(docker('inspect', '--format', '{{.HostConfig.NetworkMode}}', isolated)).toBe('none');
      const serve = await cli(
        'exec',
        isolated,
        '--',
        'sh',
        '-c',
        'nohup python3 -m http.server 18765 --bind 127.0.0.1 --directory /workspace >/dev/null 2>&1 & sleep 1',
      );
      expect(serve.code).toBe(0);
      const child = spawn(process.execPath, [binPath, 'port', isolated, '18765', '0', '--json'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const forward = await firstJson<{ hostPort: number; url: string }>(child);
        expect(forward.url).toBe(`http://127.0.0.1:${forward.hostPort}`);
        const bodies = await Promise.all([1, 2, 3].map(() => fetchText(`${forward.url}/README.md`)));
        expect(bodies).toEqual(['# demo\n', '# demo\n', '# demo\n']);
      } finally {
        child.kill('SIGINT');
      }
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);

      // Nothing listening inside: the connection is closed and the forwarder says why, and goes on.
      const idle = spawn(process.execPath, [binPath, 'port', isolated, '18766', '0', '--json'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let idleErr = '';
      idle.stderr.on('data', (d: Buffer) => {
        idleErr += d.toString();
      });
      try {
        const forward = await firstJson<{ url: string }>(idle);
        await expect(fetchText(forward.url)).rejects.toThrow();
        for (let i = 0; i < 40 && !idleErr.includes('ECONNREFUSED'); i++)
          await new Promise((r) => setTimeout(r, 100));
        expect(idleErr).toContain('ECONNREFUSED');
        expect(idle.exitCode).toBeNull();
      } finally {
        idle.kill('SIGINT');
      }
    } finally {
      removeContainer(isolated);
    }
  });

  it('shows a container whose keeper is wedged as unknown, without holding up the list', async () => {
    // The keeper is tini's only child: stop it and the container's git check never answers.
    docker('exec', name, 'sh', '-c', 'kill -STOP $(pgrep -P 1)');
    try {
      const started = Date.now();
      expect(await listed()).toMatchObject({ running: true, ahead: null, uncommitted: null });
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      docker('exec', name, 'sh', '-c', 'kill -CONT $(pgrep -P 1)');
    }
    expect((await listed()).ahead).not.toBeNull();
  });

  it('logs and stats report on the container', async () => {
    // The agent's terminal (attached to above), not the keeper's replies in the container's output.
    docker('exec', name, 'sh', '-c', 'echo from-main-process > /proc/1/fd/1');
    await listed();
    const all = await cli('logs', name);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/launch-agent: claude login found/);
    expect(all.stdout + all.stderr).not.toContain(KEEPER_MARK);
    expect(all.stdout).not.toContain('from-main-process');
    expect(docker('logs', name)).toContain(KEEPER_MARK);
    const logs = await cli('logs', name, '--tail', '1');
    expect(logs.stdout.trimEnd().split('\n')).toHaveLength(1);
    const stats = await cli('stats', name, '--json');
    expect(stats.code, stats.stderr).toBe(0);
    const [s] = parseJson<Array<Record<string, number | string>>>(stats);
    expect(s).toMatchObject({ name, memoryLimitBytes: 4 * 1024 ** 3, pidsLimit: 512 });
    expect(s?.pids).toBeGreaterThan(0);
    expect(s?.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('rm removes the container and its volume once the work is pushed', async () => {
    const volume = `${name}-workspace`;
    expect(docker('volume', 'ls', '-q', '--filter', `name=^${volume}$`)).toBe(volume);
    const rm = await cli('rm', name, '--json');
    expect(rm.code, rm.stderr).toBe(0);
    expect(parseJson(rm)).toEqual([expect.objectContaining({ name, volume })]);
    expect(docker('ps', '-a', '-q', '--filter', `name=^/${name}$`)).toBe('');
    expect(docker('volume', 'ls', '-q', '--filter', `name=^${volume}$`)).toBe('');
    const again = await cli('rm', name);
    expect(again.code).toBe(4);
  });

  it('prune --yes removes a stopped container whose work is pushed, with its volume', async () => {
    const launched = await cli(fixture.repo, '--agent', 'claude', '-b', 'prune-me', '--detach', '--json');
    expect(launched.code, launched.stderr).toBe(0);
    const done = parseJson<{ name: string }>(launched).name;
    try {
      const push = await cli(
        'exec',
        done,
        'sh',
        '-c',
        'git add -A && git commit -q -m done && git push -q 2>&1',
      );
      expect(push.code, push.stdout).toBe(0);
      expect((await cli('stop', done, '--time', '1')).code).toBe(0);
      const repo = path.basename(fixture.repo);
      const dry = parseJson<{ removable: Array<{ name: string }>; removed: boolean }>(
        await cli('prune', '--repo', repo, '--json'),
      );
      expect(dry).toMatchObject({ removed: false, removable: [{ name: done }] });
      expect(docker('inspect', '--format', '{{.State.Status}}', done)).toBe('exited');
      const pruned = await cli('prune', '--yes', '--repo', repo);
      expect(pruned.code, pruned.stderr).toBe(0);
      expect(pruned.stdout).toContain(`removed ${done} and volume ${done}-workspace`);
      expect(docker('ps', '-a', '-q', '--filter', `name=^/${done}$`)).toBe('');
      expect(docker('volume', 'ls', '-q', '--filter', `name=^${done}-workspace$`)).toBe('');
    } finally {
      removeContainer(done);
    }
  });
});

describe('init', () => {
  let fixture: Fixture;
  beforeAll(() => {
    fixture = makeFixture(`init-${Date.now().toString(36)}`);
  });
  afterAll(() => fixture?.cleanup());

  it('init puts the templates in place, secrets 0600, and never overwrites', async () => {
    const dir = path.join(fixture.dir, 'la-config');
    const env = { ...fixture.env, LAUNCH_AGENT_CONFIG_DIR: dir };
    const first = await runCli(['init', '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    const files = parseJson<{ files: Array<{ file: string; status: string }> }>(first).files;
    for (const f of [
      'config.toml',
      'secrets.env',
      'aliases.sh',
      'aliases.ps1',
      'completion.bash',
      'completion.zsh',
      'completion.ps1',
    ]) {
      expect(files.find((x) => x.file === f)?.status).toBe('created');
      expect(existsSync(path.join(dir, f))).toBe(true);
    }
    expect(statSync(path.join(dir, 'secrets.env')).mode & 0o777).toBe(0o600);
    writeFileSync(path.join(dir, 'secrets.env'), 'MINE=1\n');
    const second = await runCli(['init', '--json'], { env });
    expect(
      parseJson<{ files: Array<{ status: string }> }>(second).files.every((f) => f.status !== 'created'),
    ).toBe(true);
    expect(readFileSync(path.join(dir, 'secrets.env'), 'utf8')).toBe('MINE=1\n');
    // The aliases file is valid shell and defines the shortcuts.
    const defined = execFileSync(
      'bash',
      ['-c', `. ${path.join(dir, 'aliases.sh')} >/dev/null 2>&1; type -t lac lax lash`],
      {
        encoding: 'utf8',
      },
    );
    expect(defined.split('\n').filter(Boolean)).toEqual(['function', 'function', 'function']);
  });
});

function firstJson<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        // not complete yet
      }
    });
    child.on('close', (code) =>
      reject(new Error(`port exited ${code} before printing JSON:\n${out}\n${err}`)),
    );
  });
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}
