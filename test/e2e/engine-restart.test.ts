import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, parseJson, runCli } from '../helpers/cli.js';
import { docker, type Fixture, type Launched, launchEnv, makeFixture } from '../helpers/fixtures.js';
import { testImageChain } from '../helpers/images.js';
import { SECOND_ENGINE_ENV, type SecondEngine, useSecondEngine } from '../helpers/second-engine.js';

/**
 * Engine restarts and reboots (docs/reliability.md): sessions come back by themselves with their
 * workspace and home, and what the user stopped stays stopped. The engine restarted is a private
 * one (test/setup/second-engine.sh under its own name): the shared engines are never restarted.
 */
const NAME = 'launch-agent-test-engine-restart';

describe('engine restart', () => {
  let engine: SecondEngine;
  let fixture: Fixture;
  const launched: Launched[] = [];
  const saved = { name: process.env.LAUNCH_AGENT_SECOND_ENGINE_NAME, given: process.env[SECOND_ENGINE_ENV] };

  const cli = (...args: string[]): Promise<CliResult> =>
    runCli(args, { env: { ...launchEnv(fixture), DOCKER_HOST: engine.dockerHost } });

  beforeAll(async () => {
    process.env.LAUNCH_AGENT_SECOND_ENGINE_NAME = NAME;
    delete process.env[SECOND_ENGINE_ENV];
    // Its image is the shared second engine's recipe: reuse that build when there is one.
    for (const ref of docker(
      'images',
      '--format',
      '{{.Repository}}:{{.Tag}}',
      'launch-agent-test-second-engine',
    ).split('\n')) {
      if (ref.includes(':')) docker('tag', ref, `${NAME}:${ref.split(':')[1]}`);
    }
    engine = await useSecondEngine(await testImageChain('claude'));
    fixture = makeFixture(`restart-${Date.now().toString(36)}`);
    for (const feature of ['kept', 'stopped']) {
      const result = await cli(fixture.repo, '-b', feature, '--detach', '--json');
      expect(result.code, result.stderr).toBe(0);
      launched.push(parseJson<Launched>(result));
    }
  }, 600_000);

  afterAll(async () => {
    await engine?.stop();
    fixture?.cleanup();
    process.env.LAUNCH_AGENT_SECOND_ENGINE_NAME = saved.name;
    if (saved.given) process.env[SECOND_ENGINE_ENV] = saved.given;
    if (saved.name === undefined) delete process.env.LAUNCH_AGENT_SECOND_ENGINE_NAME;
  });

  it('sessions come back after the engine restarts, with their workspace and home; a stopped one stays stopped', async () => {
    const [kept, stopped] = launched as [Launched, Launched];
    for (const s of launched) {
      const wrote = await cli(
        'exec',
        '-T',
        s.name,
        '--',
        'sh',
        '-c',
        'echo work > /workspace/note.txt && echo home > ~/mine.txt',
      );
      expect(wrote.code, wrote.stderr).toBe(0);
    }
    expect((await cli('stop', stopped.name)).code).toBe(0);

    // The engine goes down (its dockerd gets SIGTERM) and comes back, like a reboot or an upgrade.
    execFileSync('docker', ['restart', '-t', '30', NAME], { stdio: 'ignore' });
    let up = false;
    for (let i = 0; i < 60 && !up; i++) {
      try {
        up = engine.docker('inspect', '-f', '{{.State.Running}}', kept.name) === 'true';
      } catch {
        // the engine is not answering yet
      }
      if (!up) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(up).toBe(true);
    expect(
      engine.docker('inspect', '-f', '{{.State.Status}} {{.HostConfig.RestartPolicy.Name}}', stopped.name),
    ).toBe('exited unless-stopped');

    const read = await cli('exec', '-T', kept.name, '--', 'sh', '-c', 'cat /workspace/note.txt ~/mine.txt');
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout.trim().split('\n')).toEqual(['work', 'home']);
    // The keeper is back too: list answers for it.
    const listed = await cli('list', '--json');
    const row = parseJson<
      Array<{ name: string; state: string; launch: string; uncommitted: boolean | null }>
    >(listed).find((r) => r.name === kept.name);
    expect(row).toMatchObject({ state: 'running', launch: 'ready', uncommitted: true });

    // The stopped one starts when asked, its files intact.
    expect((await cli('start', stopped.name)).code).toBe(0);
    const again = await cli(
      'exec',
      '-T',
      stopped.name,
      '--',
      'sh',
      '-c',
      'cat /workspace/note.txt ~/mine.txt',
    );
    expect(again.stdout.trim().split('\n')).toEqual(['work', 'home']);
  }, 300_000);
});
