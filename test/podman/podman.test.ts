import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEPER_MARK } from '../../src/core/sessions/keeper.js';
import { containerLogs } from '../../src/core/sessions/logs.js';
import { parseDockerHost } from '../../src/docker/docker-host.js';
import { DockerodeEngine } from '../../src/docker/dockerode-engine.js';
import { binPath, parseJson, runCli } from '../helpers/cli.js';
import { chownTree, type Fixture, git, type Launched, launchEnv, makeFixture } from '../helpers/fixtures.js';
import { testImageChain } from '../helpers/images.js';
import { loadIntoPodman, type PodmanEngine, podmanApi, podmanEngines } from '../helpers/podman.js';

/**
 * The launch e2e subset on Podman, rootful and rootless (.ci/start-podman.sh makes both; CI sets
 * LAUNCH_AGENT_TEST_PODMAN_REQUIRED so that a missing engine fails instead of skipping). Rootless
 * containers get `--network none`: this sandbox has no usable /dev/net/tun for slirp4netns.
 */
const engines = podmanEngines();
if (engines.length === 0 && process.env.LAUNCH_AGENT_TEST_PODMAN_REQUIRED) {
  throw new Error(
    'LAUNCH_AGENT_TEST_PODMAN_REQUIRED is set but neither LAUNCH_AGENT_TEST_PODMAN_ROOTFUL nor _ROOTLESS names an engine: run bash .ci/start-podman.sh and source its env file',
  );
}

describe.skipIf(engines.length === 0)('Podman (set LAUNCH_AGENT_TEST_PODMAN_ROOTFUL/_ROOTLESS)', () => {
  describe.each(engines)('$kind Podman', (engine: PodmanEngine) => {
    let fixture: Fixture;
    let env: NodeJS.ProcessEnv;
    let name: string;
    const network = engine.kind === 'rootless' ? ['--network', 'none'] : [];
    const cli = (...args: string[]) => runCli(args, { env });
    const inspect = async (container: string) =>
      (
        await podmanApi<{
          Config: { User: string; Labels: Record<string, string> };
          HostConfig: { UsernsMode: string; NetworkMode: string };
          State: { Running: boolean };
        }>(engine, 'GET', `/containers/${container}/json`)
      ).json;
    const listed = async () => {
      const result = await cli('list', '--all', '--json', '--repo', path.basename(fixture.repo));
      expect(result.code, result.stderr).toBe(0);
      return parseJson<Array<{ name: string; ahead: number | null; uncommitted: boolean | null }>>(
        result,
      ).find((s) => s.name === name);
    };

    beforeAll(async () => {
      await loadIntoPodman(engine, await testImageChain('claude'));
      fixture = makeFixture(`pod-${engine.kind}`);
      // Rootless Podman maps its own user (keep-id): the repo is that user's, as on a real machine.
      if (engine.kind === 'rootless') chownTree(fixture.dir, engine.uid, engine.gid);
      env = { ...launchEnv(fixture), DOCKER_HOST: engine.dockerHost };
      const launched = await cli(
        fixture.repo,
        '--agent',
        'claude',
        '-b',
        'pod',
        ...network,
        '--detach',
        '--json',
      );
      expect(launched.code, launched.stderr).toBe(0);
      name = parseJson<Launched>(launched).name;
    });

    afterAll(async () => {
      if (name) await cli('rm', '--force', name);
      fixture?.cleanup();
    });

    it("runs the agent as the repo owner's uid (keep-id when rootless); the workspace is streamed in", async () => {
      const details = await inspect(name);
      const owner = statSync(fixture.repo);
      expect(details.Config.User).toBe(`${owner.uid}:${owner.gid}`);
      // Podman's inspect says `private` for keep-id: the label records what the launch asked for.
      expect(details.Config.Labels['dev.launch-agent.userns']).toBe(
        engine.kind === 'rootless' ? 'keep-id' : undefined,
      );
      const who = await cli(
        'exec',
        name,
        '--',
        'sh',
        '-c',
        'id -u; pwd; cat tracked.txt; echo $CODEX_API_KEY',
      );
      expect(who.code, who.stderr).toBe(0);
      expect(who.stdout.split('\n')).toEqual([
        String(owner.uid),
        '/workspace',
        'one',
        'two',
        'modified',
        'fake-codex-api-key-2b8e4d',
        '',
      ]);
    });

    it('list shows the git columns (asked through exec); push goes to the gate and sync lands it in the host repo as the owner', async () => {
      expect(await listed()).toMatchObject({ ahead: 0, uncommitted: true });
      const commit = await cli('exec', name, '--', 'sh', '-c', 'git add -A && git commit -qm "podman work"');
      expect(commit.code, commit.stderr).toBe(0);
      expect(await listed()).toMatchObject({ ahead: 1, uncommitted: false });
      const push = await cli('exec', name, '--', 'git', 'push', '-q');
      expect(push.code, push.stderr).toBe(0);
      expect(await listed()).toMatchObject({ ahead: 0, uncommitted: false });
      // The host fetches from the gate through Podman's API (git upload-pack over exec).
      const sync = await cli('sync', name, '--json');
      expect(sync.code, sync.stdout + sync.stderr).toBe(0);
      expect(git(fixture.repo, 'log', '-1', '--format=%s', 'claude/pod')).toBe('podman work');
      const owner = statSync(fixture.repo);
      const ref = statSync(path.join(fixture.repo, '.git', 'refs', 'heads', 'claude', 'pod'));
      expect({ uid: ref.uid, gid: ref.gid }).toEqual({ uid: owner.uid, gid: owner.gid });
      // The keeper was never attached to: nothing of its protocol in the log.
      const logs = await cli('logs', name);
      expect(logs.stdout).not.toContain(KEEPER_MARK);
    });

    it('logs -f --tail 1 repeats nothing (Podman stamps log entries to the second)', async () => {
      // `logs` of a session shows its agent's terminal now; the container's own log (what
      // sessions launched before agent sessions show) is followed by containerLogs, run here
      // as the CLI runs it, against this Podman.
      await cli(
        'exec',
        name,
        '--',
        'sh',
        '-c',
        'echo first-line > /proc/1/fd/1; echo second-line > /proc/1/fd/1',
      );
      const podman = new DockerodeEngine(parseDockerHost(engine.dockerHost, 'DOCKER_HOST'));
      const id = (await podman.inspectContainer(name))?.id ?? name;
      let out = '';
      const stdout = new Writable({
        write(chunk: Buffer, _encoding, done) {
          out += chunk.toString();
          done();
        },
      });
      const stderr = new Writable({ write: (_c, _e, done) => done() });
      const following = containerLogs(podman, id, { follow: true, tail: 1, stdout, stderr });
      following.catch(() => undefined);
      for (let i = 0; i < 50 && !out.includes('second-line'); i++) await sleep(100);
      await cli('exec', name, '--', 'sh', '-c', 'echo third-line > /proc/1/fd/1');
      for (let i = 0; i < 50 && !out.includes('third-line'); i++) await sleep(100);
      await sleep(500);
      expect(out).toBe('second-line\nthird-line\n');
    });

    it('cp copies both ways, owned by the agent inside; stats reports the limits', async () => {
      const hostFile = path.join(fixture.dir, 'from-host.txt');
      writeFileSync(hostFile, 'from the host\n');
      const into = await cli('cp', hostFile, `${name}:/workspace/from-host.txt`);
      expect(into.code, into.stderr).toBe(0);
      const owner = statSync(fixture.repo);
      const inside = await cli('exec', name, '--', 'sh', '-c', 'stat -c %u from-host.txt; cat from-host.txt');
      expect(inside.stdout).toBe(`${owner.uid}\nfrom the host\n`);
      const back = path.join(fixture.dir, 'back.txt');
      const out = await cli('cp', `${name}:/workspace/README.md`, back);
      expect(out.code, out.stderr).toBe(0);
      expect(readFileSync(back, 'utf8')).toBe('# demo\n');
      const stats = await cli('stats', name, '--json');
      expect(stats.code, stats.stderr).toBe(0);
      const [s] = parseJson<Array<Record<string, number | string>>>(stats);
      // Rootless Podman on cgroup v1 (this machine) has no cgroup per container: no limits, no
      // numbers, and stats says so rather than showing the host's memory.
      const measurable = engine.kind === 'rootful' || existsSync('/sys/fs/cgroup/cgroup.controllers');
      expect(s).toMatchObject({ name, measured: measurable });
      if (measurable) expect(s?.pids).toBeGreaterThan(0);
      else expect(s).toMatchObject({ cpuPercent: 0, memoryBytes: 0, pids: 0, memoryPercent: null });
      if (engine.kind === 'rootful') {
        expect(s).toMatchObject({ memoryLimitBytes: 4 * 1024 ** 3, pidsLimit: 512 });
      }
    });

    it('port forwards 127.0.0.1 on the host into the container', async () => {
      const serve = await cli(
        'exec',
        name,
        '--',
        'sh',
        '-c',
        'nohup python3 -m http.server 18765 --bind 127.0.0.1 --directory /workspace >/dev/null 2>&1 & sleep 1',
      );
      expect(serve.code, serve.stderr).toBe(0);
      const child = spawn(process.execPath, [binPath, 'port', name, '18765', '0', '--json'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
        });
        for (let i = 0; i < 100 && !text.includes('}'); i++) await sleep(100);
        const { url } = JSON.parse(text) as { url: string };
        const bodies = await Promise.all([1, 2].map(async () => (await fetch(`${url}/README.md`)).text()));
        expect(bodies).toEqual(['# demo\n', '# demo\n']);
      } finally {
        child.kill('SIGINT');
      }
    });

    it('stop keeps the workspace; rm checks a stopped container (same uid mapping) and refuses; start, rm --force', async () => {
      await cli('exec', name, '--', 'sh', '-c', 'echo unsaved > unsaved.txt');
      const stop = await cli('stop', name);
      expect(stop.code, stop.stderr).toBe(0);
      expect((await inspect(name)).State.Running).toBe(false);
      expect(await listed()).toMatchObject({ ahead: null, uncommitted: null });
      const refused = await cli('rm', name);
      expect(refused.code, refused.stdout + refused.stderr).toBe(5);
      expect(refused.stderr).toContain('unsaved.txt');
      const start = await cli('start', name);
      expect(start.code, start.stderr).toBe(0);
      const kept = await cli('exec', name, '--', 'cat', 'unsaved.txt');
      expect(kept.stdout).toBe('unsaved\n');
      const rm = await cli('rm', '--force', name, '--json');
      expect(rm.code, rm.stderr).toBe(0);
      expect((await podmanApi(engine, 'GET', `/containers/${name}/json`)).status).toBe(404);
      expect((await podmanApi(engine, 'GET', `/volumes/${name}-workspace`)).status).toBe(404);
      name = '';
    });

    it('images build finds the loaded images up to date (same ids, same content-hash tags)', async () => {
      const built = await cli('images', 'build', '--agent', 'claude', '--json');
      expect(built.code, built.stderr).toBe(0);
      const result = parseJson<{ images: Array<{ name: string; built: boolean }> }>(built);
      expect(result.images.map((i) => [i.name, i.built])).toEqual([
        ['base', false],
        ['agents', false],
        ['claude', false],
      ]);
    });

    it('doctor names the engine and the path a launch takes', async () => {
      const doctor = await cli('doctor', '--json');
      const report = parseJson<{ checks: Array<{ name: string; facts?: Record<string, unknown> }> }>(doctor);
      const engineCheck = report.checks.find((c) => c.name === 'engine');
      expect(engineCheck?.facts).toMatchObject({ engine: 'Podman', rootless: engine.kind === 'rootless' });
      const launchPath = report.checks.find((c) => c.name === 'launch-path');
      expect(launchPath?.facts).toMatchObject({
        engineKind: engine.kind === 'rootless' ? 'podman-rootless' : 'podman',
        copy: 'stream',
        userns: engine.kind === 'rootless' ? 'keep-id' : null,
        pushToHost: true,
      });
      // On cgroup v1 (this machine) a rootless engine drops the limits, and doctor says so.
      const cgroupV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
      expect(launchPath?.facts?.limits).toBe(engine.kind === 'rootful' || cgroupV2);
    });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
