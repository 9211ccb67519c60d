import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, parseJson, runCli } from '../helpers/cli.js';
import {
  docker,
  dockerExec,
  type Fixture,
  type Launched,
  launchEnv,
  makeFixture,
  ownerGit,
  removeContainer,
} from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';

/**
 * Nothing lost, nothing left (docs/reliability.md): signals at several points of a launch,
 * a launcher killed outright, PID exhaustion, tag-only work, --disk where quotas cannot be had.
 * Every count is scoped to this file's repo name: other people's objects share the engine.
 */
describe('reliability', () => {
  let fixture: Fixture;
  let repoName: string;

  /** Our labelled containers, volumes, networks and the host repo's session refs, of this repo only. */
  function leftovers(): string[] {
    const mine = (lines: string) =>
      lines
        .split('\n')
        .filter((n) => n.includes(repoName))
        .sort();
    const label = 'label=dev.launch-agent.managed=true';
    return [
      ...mine(docker('ps', '-a', '--filter', label, '--format', 'container {{.Names}}')),
      ...mine(docker('volume', 'ls', '--filter', label, '--format', 'volume {{.Name}}')),
      ...mine(docker('network', 'ls', '--filter', label, '--format', 'network {{.Name}}')),
      ...mine(ownerGit(fixture.repo, 'for-each-ref', '--format=ref %(refname)', 'refs/launch-agent/')),
    ];
  }

  function launchChild(feature: string, extra: string[] = []): ChildProcess & { stderrText: () => string } {
    const child = spawn(
      process.execPath,
      [binPath, fixture.repo, '-b', feature, '--detach', '--verbose', ...extra],
      {
        env: { ...process.env, ...launchEnv(fixture) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    return Object.assign(child, { stderrText: () => stderr });
  }

  /** Sends `signal` once stderr shows `at` (a point of the launch); resolves with the exit code. */
  function interrupt(child: ReturnType<typeof launchChild>, at: string, signal: NodeJS.Signals) {
    return new Promise<number | null>((resolve, reject) => {
      let sent = false;
      // A launcher that hangs after the signal fails the test with what it printed.
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(`no exit 60 s after ${signal} at \`${at}\` (sent: ${sent}):\n${child.stderrText()}`),
        );
      }, 60_000);
      child.stderr!.on('data', () => {
        if (!sent && child.stderrText().includes(at)) {
          sent = true;
          child.kill(signal);
        }
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`rel-${Date.now().toString(36)}`);
    repoName = path.basename(fixture.repo);
    // Big enough that the copy takes a moment to interrupt.
    execFileSync('dd', [
      'if=/dev/urandom',
      `of=${path.join(fixture.repo, 'big.bin')}`,
      'bs=1M',
      'count=60',
      'status=none',
    ]);
    execFileSync('chown', ['1234:1234', path.join(fixture.repo, 'big.bin')]);
  });
  afterAll(() => {
    if (!fixture) return;
    for (const line of leftovers()) {
      const [kind, name] = line.split(' ');
      if (kind === 'container') removeContainer(name!);
      if (kind === 'volume') docker('volume', 'rm', '-f', name!);
    }
    fixture.cleanup();
  });

  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  // After the volume and container exist; mid-copy; after the container started (before ready).
  const points = ['copy: bind', 'copy: copying', 'start: container started'];

  it.each(Object.keys(codes) as Array<keyof typeof codes>)(
    '%s at several points of a launch: exit code, nothing left',
    async (signal) => {
      expect(leftovers()).toEqual([]);
      for (const [i, at] of points.entries()) {
        const child = launchChild(`sig-${signal.toLowerCase()}-${i}`);
        const code = await interrupt(child, at, signal);
        expect(code, `${at}\n${child.stderrText()}`).toBe(codes[signal]);
        expect(leftovers(), at).toEqual([]);
      }
    },
  );

  it('a second signal during the cleanup does not cut it short', async () => {
    const child = launchChild('sig-twice');
    const code = await new Promise<number | null>((resolve) => {
      let sent = false;
      child.stderr!.on('data', () => {
        if (!sent && child.stderrText().includes('copy: copying')) {
          sent = true;
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGINT'), 20);
          setTimeout(() => child.kill('SIGHUP'), 40);
        }
      });
      child.on('close', resolve);
    });
    expect(code, child.stderrText()).toBe(143);
    expect(child.stderrText()).toContain('still removing');
    expect(leftovers()).toEqual([]);
  });

  it('SIGKILL mid-launch: list --all shows it unfinished, prune --yes removes all of it, the same -b launches again', async () => {
    const feature = 'killed';
    const name = `claude-${repoName}-${feature}`;
    const child = launchChild(feature);
    // Mid-copy: the container exists (started or not), the workspace is partial.
    await interrupt(child, 'copy: copying', 'SIGKILL');
    const left = leftovers();
    expect(left).toContain(`container ${name}`);
    expect(left).toContain(`volume ${name}-workspace`);
    expect(left).toContain(`ref refs/launch-agent/${name}/base`);

    const listed = await runCli(['list', '--all', '--json'], { cwd: fixture.repo });
    const row = parseJson<Array<{ name: string; launch: string }>>(listed).find((r) => r.name === name);
    expect(row?.launch).toBe('unfinished');
    const table = await runCli(['list', '--all'], { cwd: fixture.repo });
    expect(table.stdout).toMatch(new RegExp(`${name}.*\\(unfinished\\)`));

    const dry = await runCli(['prune'], { cwd: fixture.repo });
    expect(dry.stdout).toContain(`would remove ${name} (unfinished`);
    // Without --yes nothing goes (a copy helper still running then may end and remove itself).
    const lasting = (items: string[]) => items.filter((item) => !item.includes('-copy-'));
    expect(lasting(leftovers())).toEqual(lasting(left));
    const pruned = await runCli(['prune', '--yes'], { cwd: fixture.repo });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(leftovers()).toEqual([]);

    const again = await runCli([fixture.repo, '-b', feature, '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    expect(again.code, again.stderr).toBe(0);
    expect(parseJson<Launched>(again).name).toBe(name);
    const ready = await runCli(['list', '--json'], { cwd: fixture.repo });
    expect(
      parseJson<Array<{ name: string; launch: string }>>(ready).find((r) => r.name === name)?.launch,
    ).toBe('ready');
    // (The fixture's uncommitted host work came along: a plain rm would refuse.)
    const removed = await runCli(['rm', '--force', name]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(leftovers()).toEqual([]);
  });

  it('a volume-only leftover (killed between volume and container) is removed by rm NAME; the name is reusable', async () => {
    const name = `claude-${repoName}-volonly`;
    // Exactly what a launcher leaves when killed right after creating the volume: a dead launcher's label.
    docker(
      'volume',
      'create',
      '--label',
      'dev.launch-agent.managed=true',
      '--label',
      'dev.launch-agent.kind=volume',
      '--label',
      `dev.launch-agent.repo=${repoName}`,
      '--label',
      `dev.launch-agent.host-git-dir=${path.join(fixture.repo, '.git')}`,
      '--label',
      `dev.launch-agent.launch=${hostname()} 999999`,
      `${name}-workspace`,
    );
    const blocked = await runCli([fixture.repo, '-b', 'volonly', '--detach'], { env: launchEnv(fixture) });
    expect(blocked.code).not.toBe(0);
    const listed = await runCli(['list', '--all'], { cwd: fixture.repo });
    expect(listed.stdout).toMatch(new RegExp(`${name}.*volume without session`));
    const rm = await runCli(['rm', name], { cwd: fixture.repo });
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toContain('volume without session');
    expect(leftovers()).toEqual([]);
    const again = await runCli([fixture.repo, '-b', 'volonly', '--detach'], { env: launchEnv(fixture) });
    expect(again.code, again.stderr).toBe(0);
    expect((await runCli(['rm', '--force', name])).code).toBe(0);
  });

  it('PID exhaustion + list: the session keeps running, list shows - for it, and answers again after', async () => {
    const launched = await runCli([fixture.repo, '-b', 'pids', '--pids', '64', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    expect(launched.code, launched.stderr).toBe(0);
    const { name } = parseJson<Launched>(launched);
    // A runaway build: forks until the limit and keeps trying for 12 s, then it all ends.
    docker(
      'exec',
      '-d',
      name,
      'node',
      '-e',
      'const {spawn}=require("child_process");const go=()=>{try{spawn("sleep",["12"]).on("error",()=>{})}catch{};setTimeout(go,10)};go();setTimeout(()=>process.exit(0),12000)',
    );
    await new Promise((r) => setTimeout(r, 3000));
    for (let i = 0; i < 3; i++) {
      const listed = await runCli(['list', '--json'], { cwd: fixture.repo });
      expect(listed.code, listed.stderr).toBe(0);
      const row = parseJson<Array<{ name: string; ahead: number | null }>>(listed).find(
        (r) => r.name === name,
      );
      expect(row?.ahead).toBeNull();
    }
    // The keeper did hit the limit (its fork failed), answered `fail`, and lived on: no restart.
    expect(docker('logs', name)).toMatch(/fail 254/);
    expect(docker('inspect', '-f', '{{.State.Status}} {{.RestartCount}}', name)).toBe('running 0');
    // The runaway ends: the keeper answers again.
    await new Promise((r) => setTimeout(r, 12_000));
    const after = await runCli(['list', '--json'], { cwd: fixture.repo });
    expect(
      parseJson<Array<{ name: string; ahead: number | null }>>(after).find((r) => r.name === name)?.ahead,
    ).toBe(0);
    expect(docker('inspect', '-f', '{{.State.Status}} {{.RestartCount}}', name)).toBe('running 0');
    expect((await runCli(['rm', '--force', name])).code).toBe(0);
  });

  it('rm refuses (exit 5) while a commit only a tag reaches is not in the host repo, and names the tag', async () => {
    const launched = await runCli([fixture.repo, '-b', 'tagged', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    expect(launched.code, launched.stderr).toBe(0);
    const { name } = parseJson<Launched>(launched);
    dockerExec(
      name,
      'git checkout -q --detach && git commit -q --allow-empty -m "release notes" && git tag v9.9 && git checkout -q - && git status --porcelain | grep -v big.bin || true',
    );
    const rm = await runCli(['rm', name]);
    expect(rm.code, rm.stderr).toBe(5);
    expect(rm.stderr).toContain('only tags reach');
    expect(rm.stderr).toContain('tag: v9.9');
    expect(rm.stderr).toContain('release notes');
    expect(docker('inspect', '-f', '{{.State.Status}}', name)).toBe('running');
    expect((await runCli(['rm', '--force', name])).code).toBe(0);
  });

  it('--disk where the storage cannot enforce it: a clear error naming the file system, nothing created', async () => {
    const info = docker('info', '--format', '{{.Driver}} {{json .DriverStatus}}');
    if (info.includes('"xfs"')) return; // this engine could: the quota path is for another machine
    const result = await runCli([fixture.repo, '-b', 'disk', '--disk', '1g', '--detach'], {
      env: launchEnv(fixture),
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /--disk needs storage that enforces quotas.*on extfs with the overlay2 driver/,
    );
    expect(leftovers()).toEqual([]);
  });

  it('doctor reports free space on the engine data root; stats shows the workspace size', async () => {
    const doctor = await runCli(['doctor', '--json'], { env: launchEnv(fixture) });
    const checks = (
      JSON.parse(doctor.stdout) as {
        checks: Array<{ name: string; detail: string; facts?: { freeBytes?: number } }>;
      }
    ).checks;
    const disk = checks.find((c) => c.name === 'disk');
    expect(disk?.detail).toMatch(/free of .* on \/var\/lib\/docker/);
    expect(disk?.facts?.freeBytes).toBeGreaterThan(0);

    const launched = await runCli([fixture.repo, '-b', 'stats', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    const { name } = parseJson<Launched>(launched);
    const stats = await runCli(['stats', name, '--json']);
    const [row] = JSON.parse(stats.stdout) as Array<{ workspaceBytes: number }>;
    // big.bin alone is 60 MiB.
    expect(row!.workspaceBytes).toBeGreaterThan(60 * 1024 * 1024);
    expect((await runCli(['rm', '--force', name])).code).toBe(0);
  });
});
