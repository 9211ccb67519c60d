import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
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
  ourObjects,
  ownerGit,
  removeContainer,
} from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';

/** The per-project layer (.launch-agent/Dockerfile or [image]), through real launches. */

const launchedNames: string[] = [];
const imagesMade = new Set<string>();
const fixtures: Fixture[] = [];

async function launch(fixture: Fixture, feature: string, extra: string[] = []) {
  const started = performance.now();
  const result = await runCli(
    [fixture.repo, '--agent', 'claude', '-b', feature, '--detach', '--json', ...extra],
    {
      env: launchEnv(fixture),
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (result.code === 0) {
    const launched = parseJson<Launched>(result);
    launchedNames.push(launched.name);
    if (launched.image.includes('/project:')) imagesMade.add(launched.image);
    return { result, launched, seconds };
  }
  return { result, launched: undefined, seconds };
}

function fixtureWith(name: string, files: Record<string, string>): Fixture {
  const fixture = makeFixture(`${name}-${Date.now().toString(36)}`);
  fixtures.push(fixture);
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(fixture.dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  chownTree(fixture.dir, FIXTURE_UID, FIXTURE_GID);
  return fixture;
}

/** Our containers and volumes named after this fixture's repo (other work shares the engine). */
function objectsOf(fixture: Fixture): { containers: string[]; volumes: string[] } {
  const repo = path.basename(fixture.repo);
  const mine = (names: string[]) => names.filter((name) => name.includes(repo));
  const all = ourObjects();
  return { containers: mine(all.containers), volumes: mine(all.volumes) };
}

beforeAll(async () => {
  await ensureTestImages('claude');
}, 1_800_000);

afterAll(() => {
  for (const name of launchedNames) removeContainer(name);
  for (const fixture of fixtures) fixture.cleanup();
  // Only the per-project images this file made (a tag removal; the image goes with its last tag).
  for (const ref of imagesMade) {
    try {
      const tags = JSON.parse(docker('image', 'inspect', '--format', '{{json .RepoTags}}', ref)) as string[];
      docker('rmi', ...tags);
    } catch {
      // already gone
    }
  }
});

describe('a repo with .launch-agent/Dockerfile', () => {
  let fixture: Fixture;
  let first: Awaited<ReturnType<typeof launch>>;

  beforeAll(async () => {
    const stamp = Date.now().toString(36);
    fixture = fixtureWith('own-image', {});
    const repoName = path.basename(fixture.repo);
    const files = {
      [`${repoName}/.launch-agent/Dockerfile`]: [
        'ARG AGENT_IMAGE',
        'FROM ${AGENT_IMAGE}',
        'USER root',
        'RUN apt-get update && apt-get install -y --no-install-recommends hello && rm -rf /var/lib/apt/lists/*',
        // The whole build context, to show it holds .launch-agent/ and nothing else of the repo.
        'COPY . /opt/context/',
        `RUN echo ${stamp} > /opt/stamp`,
        '',
      ].join('\n'),
      [`${repoName}/.launch-agent/greeting.txt`]: 'hello from the project folder\n',
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(fixture.dir, file)), { recursive: true });
      writeFileSync(path.join(fixture.dir, file), text);
    }
    chownTree(fixture.dir, FIXTURE_UID, FIXTURE_GID);
    ownerGit(fixture.repo, 'add', '.launch-agent');
    first = await launch(fixture, 'one');
    expect(first.result.code, first.result.stderr).toBe(0);
  }, 600_000);

  it('runs the container on the project image, as the agent user', () => {
    const launched = first.launched!;
    expect(launched.image).toMatch(/^launch-agent\/project:[0-9a-f]{12}$/);
    expect(dockerExec(launched.name, 'hello')).toBe('Hello, world!');
    expect(dockerExec(launched.name, 'id -u; id -g')).toBe(`${FIXTURE_UID}\n${FIXTURE_GID}`);
    const info = JSON.parse(docker('inspect', launched.name))[0];
    expect(info.Config.User).toBe(`${FIXTURE_UID}:${FIXTURE_GID}`);
  });

  it('builds from .launch-agent/ alone', () => {
    const listed = dockerExec(first.launched!.name, 'ls -A /opt/context').split('\n').sort();
    expect(listed).toEqual(['Dockerfile', 'greeting.txt']);
  });

  it('builds nothing on the second launch', async () => {
    const created = docker('image', 'inspect', '--format', '{{.Created}}', first.launched!.image);
    const second = await launch(fixture, 'two');
    expect(second.result.code, second.result.stderr).toBe(0);
    expect(second.launched!.image).toBe(first.launched!.image);
    expect(docker('image', 'inspect', '--format', '{{.Created}}', second.launched!.image)).toBe(created);
    console.log(
      `project image: first launch ${first.seconds.toFixed(1)} s, second ${second.seconds.toFixed(1)} s`,
    );
  }, 600_000);

  it('is listed by images list and reported by doctor', async () => {
    const list = await runCli(['images', 'list', '--json'], { env: launchEnv(fixture) });
    expect(list.code, list.stderr).toBe(0);
    const rows = parseJson<{
      projects: Array<{ tag?: string; projects: string[]; state: string; sources: string[] }>;
    }>(list).projects;
    const row = rows.find((r) => `launch-agent/project:${r.tag}` === first.launched!.image);
    expect(row).toMatchObject({ state: 'current', sources: ['dockerfile'] });
    expect(row!.projects).toEqual([expect.stringMatching(/^claude-own-image-[\w-]+-[0-9a-f]{8}$/)]);

    const doctor = await runCli(['doctor', '--json'], { env: launchEnv(fixture), cwd: fixture.repo });
    const checks = parseJson<{ checks: Array<{ name: string; status: string; detail: string }> }>(
      doctor,
    ).checks;
    expect(checks.find((c) => c.name === 'image.launch-agent/project for claude')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('dockerfile'),
    });
  }, 120_000);

  it('a changed Dockerfile builds a new image; prune then offers the old one', async () => {
    const dockerfile = path.join(fixture.repo, '.launch-agent', 'Dockerfile');
    writeFileSync(
      dockerfile,
      `${docker('run', '--rm', '--entrypoint', 'cat', first.launched!.image, '/opt/context/Dockerfile')}\nRUN echo changed\n`,
    );
    chownTree(fixture.dir, FIXTURE_UID, FIXTURE_GID);
    const third = await launch(fixture, 'three');
    expect(third.result.code, third.result.stderr).toBe(0);
    expect(third.launched!.image).not.toBe(first.launched!.image);
    // Listing only: a prune with --yes would reach every superseded image on this shared engine.
    const prune = await runCli(['images', 'prune', '--json'], { env: launchEnv(fixture) });
    const removable = parseJson<{ removable: Array<{ ref: string; layer: string }> }>(prune).removable;
    expect(removable).toContainEqual(
      expect.objectContaining({ ref: first.launched!.image, layer: 'project' }),
    );
    expect(removable.map((r) => r.ref)).not.toContain(third.launched!.image);
  }, 600_000);
});

describe('[image] in config.toml', () => {
  it('installs apt packages (user config) and runs shell lines (repo config)', async () => {
    const fixture = fixtureWith('config-image', {});
    writeFileSync(
      path.join(fixture.home, '.config', 'launch-agent', 'config.toml'),
      '[image]\napt = ["hello"]\n',
    );
    // A repo config with a server too, so it is read wherever the repo's config.toml lives.
    writeFileSync(
      path.join(fixture.repo, 'config.toml'),
      '[image]\nrun = ["hello --greeting=built-in-the-layer > /opt/greeting"]\n\n[mcp_servers.none]\ncommand = "true"\nenabled = false\n',
    );
    chownTree(fixture.dir, FIXTURE_UID, FIXTURE_GID);
    const { result, launched } = await launch(fixture, 'cfg');
    expect(result.code, result.stderr).toBe(0);
    expect(launched!.image).toMatch(/^launch-agent\/project:/);
    expect(dockerExec(launched!.name, 'hello; cat /opt/greeting; id -u')).toBe(
      `Hello, world!\nbuilt-in-the-layer\n${FIXTURE_UID}`,
    );
    const again = await launch(fixture, 'cfg2');
    expect(again.launched!.image).toBe(launched!.image);
  }, 900_000);

  it('a bad package name in config is a config error, before anything is made', async () => {
    const fixture = fixtureWith('config-bad', {});
    writeFileSync(
      path.join(fixture.home, '.config', 'launch-agent', 'config.toml'),
      '[image]\napt = ["hello; rm -rf /"]\n',
    );
    chownTree(fixture.dir, FIXTURE_UID, FIXTURE_GID);
    const { result } = await launch(fixture, 'bad');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('config.toml:2:1 image.apt');
    expect(objectsOf(fixture)).toEqual({ containers: [], volumes: [] });
  }, 120_000);
});

describe('a broken .launch-agent/Dockerfile', () => {
  it('fails with the step and the engine message, leaving nothing behind', async () => {
    const fixture = fixtureWith('broken-image', {});
    const dir = path.join(fixture.repo, '.launch-agent');
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, 'Dockerfile'),
      'ARG AGENT_IMAGE\nFROM ${AGENT_IMAGE}\nUSER root\nRUN apt-get install -y no-such-package-xyz\n',
    );
    chownTree(fixture.dir, FIXTURE_UID, FIXTURE_GID);
    const { result } = await launch(fixture, 'broken');
    expect(result.code).toBe(6);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe('IMAGE_BUILD_FAILED');
    expect(error.message).toMatch(/RUN apt-get install -y no-such-package-xyz/);
    expect(error.message).toMatch(/Unable to locate package no-such-package-xyz|returned a non-zero code/);
    expect(objectsOf(fixture)).toEqual({ containers: [], volumes: [] });
    // The failed step's build container is gone too.
    expect(docker('ps', '-a', '--no-trunc', '--format', '{{.Command}}')).not.toContain('no-such-package-xyz');
  }, 600_000);
});
