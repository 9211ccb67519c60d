import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, parseJson, runCli } from '../helpers/cli.js';
import {
  FAKE_SECRETS,
  type Fixture,
  type Launched,
  launchEnv,
  makeFixture,
  ownerGit,
} from '../helpers/fixtures.js';
import { testImageChain } from '../helpers/images.js';
import { type SecondEngine, useSecondEngine } from '../helpers/second-engine.js';

/**
 * A launch on an engine that cannot see this machine's files (a dockerd in a container, see
 * test/setup/second-engine.sh), as a remote DOCKER_HOST would be: nothing may be bind-mounted.
 * The tests run in order on one session: launch, what the agent gets, stop/start, rm. The way
 * back (commit, push, sync) goes between "start" and "rm".
 */
describe('a launch on an engine elsewhere', () => {
  let engine: SecondEngine;
  let fixture: Fixture;
  let launched: Launched;
  let output: string;
  const hostLogin = () => readFileSync(path.join(fixture.home, '.claude', '.credentials.json'), 'utf8');
  const secretsFile = () => path.join(fixture.home, '.config', 'launch-agent', 'secrets.env');

  /** The CLI as the fixture's user with DOCKER_HOST at the second engine. */
  const cli = (...args: string[]): Promise<CliResult> =>
    runCli(args, { env: { ...launchEnv(fixture), DOCKER_HOST: engine.dockerHost } });
  /** A command in the session as the agent runs them (through the entrypoint: secrets loaded). */
  const inSession = async (script: string): Promise<string> => {
    const result = await cli('exec', '-T', launched.name, '--', 'sh', '-c', script);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.trim();
  };

  beforeAll(async () => {
    engine = await useSecondEngine(await testImageChain('claude'));
    fixture = makeFixture(`remote-${Date.now().toString(36)}`);
    const result = await cli(fixture.repo, '--agent', 'claude', '-b', 'remote', '--detach', '--json');
    output = result.stdout + result.stderr;
    expect(result.code, result.stderr).toBe(0);
    launched = parseJson<Launched>(result);
  });

  afterAll(async () => {
    if (launched) {
      try {
        engine.docker('rm', '-f', launched.name);
        engine.docker('volume', 'rm', '-f', `${launched.name}-workspace`);
      } catch {
        // already gone (the rm test)
      }
    }
    fixture?.cleanup();
    await engine?.stop();
  });

  it("is an engine that cannot see this machine's files", () => {
    const bind = `type=bind,source=${fixture.repo},target=/repo`;
    expect(() => engine.docker('create', '--mount', bind, launched.image)).toThrow(
      /bind source path does not exist/,
    );
  });

  it('launches with no bind mount: the workspace streamed, logins and secrets in a tmpfs', () => {
    expect(launched.copied.method).toBe('stream');
    expect(launched.copied.files).toBeGreaterThan(5);
    const info = JSON.parse(engine.docker('inspect', launched.name))[0];
    const mounts = info.Mounts as Array<{ Type: string; Destination: string }>;
    expect(mounts.filter((m) => m.Type === 'bind')).toEqual([]);
    expect(mounts.map((m) => `${m.Type} ${m.Destination}`).sort()).toEqual([
      'tmpfs /run/launch-agent',
      'volume /workspace',
    ]);
    expect(info.State.Running).toBe(true);
  });

  it("gives the agent the secrets file's tokens and the host login in its home", async () => {
    const env = await inSession('env');
    expect(env).toContain(`CLAUDE_CODE_OAUTH_TOKEN=${FAKE_SECRETS.CLAUDE_CODE_OAUTH_TOKEN}`);
    expect(env).toContain(`FAKE_SECRET_QUOTED=${FAKE_SECRETS.FAKE_SECRET_QUOTED}`);
    expect(await inSession('cat ~/.claude/.credentials.json')).toBe(hostLogin().trim());
  });

  it('keeps them read-only to the agent: no write, remove, rename or chmod', async () => {
    const attempts = [
      'echo x >> /run/launch-agent/secrets.env',
      'rm -f /run/launch-agent/secrets.env',
      'mv /run/launch-agent/auth /run/launch-agent/moved',
      'chmod 666 /run/launch-agent/secrets.env',
      'echo x > ~/.claude/.credentials.json',
      'touch /run/launch-agent/planted',
    ];
    const script = attempts.map((a) => `(${a}) 2>/dev/null && echo "did: ${a}"`).join('; ');
    expect(await inSession(`${script}; echo checked`)).toBe('checked');
    expect(await inSession('stat -c "%U %a" /run/launch-agent/secrets.env')).toBe('root 440');
  });

  it('shows them nowhere else: not in docker inspect, the image history, the logs or the output', () => {
    const inspect = engine.docker('inspect', launched.name);
    const history = engine.docker('history', '--no-trunc', launched.image);
    const logs = engine.docker('logs', launched.name);
    for (const value of [...Object.values(FAKE_SECRETS), 'fake-host-claude-login']) {
      expect(inspect).not.toContain(value);
      expect(history).not.toContain(value);
      expect(logs).not.toContain(value);
      expect(output).not.toContain(value);
    }
  });

  it('delivers again on start, from the host files as they are then; a stop leaves nothing behind', async () => {
    expect((await cli('stop', launched.name)).code).toBe(0);
    // Started behind the launcher's back: the tmpfs comes back empty, nothing was kept on disk.
    engine.docker('start', launched.name);
    expect(await inSession('ls -A /run/launch-agent | wc -l; echo "[$CLAUDE_CODE_OAUTH_TOKEN]"')).toBe(
      '0\n[]',
    );
    expect((await cli('stop', launched.name)).code).toBe(0);

    const rotated = 'fake-rotated-claude-token-5c2e81';
    const secrets = readFileSync(secretsFile());
    writeFileSync(secretsFile(), `CLAUDE_CODE_OAUTH_TOKEN=${rotated}\n`);
    try {
      const start = await cli('start', launched.name);
      expect(start.code, start.stderr).toBe(0);
      expect(start.stderr).toBe('');
      expect(await inSession('echo "$CLAUDE_CODE_OAUTH_TOKEN"; cat ~/.claude/.credentials.json')).toBe(
        `${rotated}\n${hostLogin().trim()}`,
      );
      expect(engine.docker('inspect', launched.name)).not.toContain(rotated);
    } finally {
      writeFileSync(secretsFile(), secrets);
    }
  });

  it('after the engine restarts, the session is running again (restart policy) and start delivers its logins again', async () => {
    await engine.restart();
    let state: string | undefined;
    for (let i = 0; i < 60 && state !== 'running'; i++) {
      const listed = await cli('list', '--all', '--json');
      state = parseJson<Array<{ name: string; state: string }>>(listed).find(
        (s) => s.name === launched.name,
      )?.state;
      if (state !== 'running') await new Promise((r) => setTimeout(r, 500));
    }
    expect(state).toBe('running');
    // Its tmpfs came back empty: nothing of the logins was kept on the engine's disk.
    expect(await inSession('ls -A /run/launch-agent | wc -l')).toBe('0');
    const start = await cli('start', launched.name);
    expect(start.code, start.stderr).toBe(0);
    expect(await inSession('echo "$CLAUDE_CODE_OAUTH_TOKEN"; cat ~/.claude/.credentials.json')).toBe(
      `${FAKE_SECRETS.CLAUDE_CODE_OAUTH_TOKEN}\n${hostLogin().trim()}`,
    );
  });

  it('says which host file it could not deliver again, and starts anyway', async () => {
    const secrets = readFileSync(secretsFile());
    rmSync(secretsFile());
    try {
      const start = await cli('start', launched.name);
      expect(start.code, start.stderr).toBe(0);
      expect(start.stderr).toContain(`${secretsFile()} not found or not readable on this machine`);
    } finally {
      writeFileSync(secretsFile(), secrets, { mode: 0o600 });
    }
  });

  it('sends no host file that a label this machine did not sign names', async () => {
    // Anyone who can create containers on the engine can write labels: this one asks for a host file.
    const canary = path.join(fixture.dir, 'host-only-canary');
    writeFileSync(canary, 'canary-5f1e9a\n');
    const forged = `${launched.name}-forged`;
    const label = JSON.stringify({
      gid: 0,
      files: [{ source: canary, target: '/run/launch-agent/secrets.env', kind: 'file' }],
      mac: '00'.repeat(32),
    });
    engine.docker(
      'run',
      '-d',
      '--name',
      forged,
      '--label',
      'dev.launch-agent.managed=true',
      '--label',
      'dev.launch-agent.kind=container',
      '--label',
      'dev.launch-agent.agent=claude',
      '--label',
      `dev.launch-agent.deliver=${label}`,
      '--mount',
      'type=tmpfs,destination=/run/launch-agent',
      '--entrypoint',
      'sleep',
      launched.image,
      '300',
    );
    try {
      const start = await cli('start', forged);
      expect(start.code, start.stderr).toBe(0);
      expect(start.stderr).toContain(`${forged}: its delivery label was not written on this machine`);
      expect(engine.docker('exec', forged, 'ls', '-A', '/run/launch-agent')).toBe('');
    } finally {
      engine.docker('rm', '-f', forged);
    }
  });

  it('refuses --auth rw, which needs a bind mount, before creating anything', async () => {
    const result = await cli(fixture.repo, '--agent', 'claude', '-b', 'rw', '--auth', 'rw', '--detach');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--auth rw needs an engine on this machine');
    expect(engine.docker('ps', '-a', '--format', '{{.Names}}')).not.toContain('-rw');
  });

  it('carries the whole history (nothing to borrow), and the way back is a fetch over the engine: push, sync', async () => {
    expect(launched.copied.history).toBe('copied');
    expect(await inSession('test -e .git/objects/info/alternates && echo shared || echo own')).toBe('own');
    const push = await inSession(
      'git add -A && git commit -q -m "remote work" && git push 2>&1; git rev-parse HEAD',
    );
    const commit = push.split('\n').at(-1) ?? '';
    const sync = await cli('sync', launched.name, '--json');
    expect(sync.code, sync.stderr).toBe(0);
    const [result] =
      parseJson<Array<{ branches: Array<{ branch: string; commit: string; status: string }> }>>(sync);
    // Landed by this sync, or already by the watcher a moment before it.
    expect(result?.branches).toEqual([
      { branch: 'claude/remote', commit, status: expect.stringMatching(/^(landed|unchanged)$/) },
    ]);
    expect(ownerGit(fixture.repo, 'rev-parse', 'claude/remote')).toBe(commit);
    expect(ownerGit(fixture.repo, 'log', '-1', '--format=%s', 'claude/remote')).toBe('remote work');
    const list = parseJson<Array<{ name: string; ahead: number }>>(await cli('list', '--json'));
    expect(list.find((s) => s.name === launched.name)?.ahead).toBe(0);
  });

  it('rm removes the container and its workspace volume', async () => {
    // Uncommitted work in the workspace is guarded until forced.
    await inSession('echo wip > wip.txt');
    const guarded = await cli('rm', launched.name);
    expect(guarded.code).toBe(5);
    const rm = await cli('rm', '--force', launched.name);
    expect(rm.code, rm.stderr).toBe(0);
    expect(engine.docker('ps', '-a', '--format', '{{.Names}}').split('\n')).not.toContain(launched.name);
    expect(engine.docker('volume', 'ls', '--format', '{{.Name}}').split('\n')).not.toContain(
      `${launched.name}-workspace`,
    );
    expect(ownerGit(fixture.repo, 'for-each-ref', `refs/launch-agent/${launched.name}/`)).toBe('');
  });
});
