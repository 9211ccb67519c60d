import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents } from '../../src/agents/registry.js';
import { parseJson, repoRoot, runCli } from '../helpers/cli.js';
import { FakeNpmRegistry } from '../helpers/npm-registry.js';
import { testBaseImage } from '../setup/global-engine.js';

/**
 * `images update` against a local stand-in for the npm registry, on a private chain whose
 * agents layer records the versions it was given instead of downloading the CLIs.
 */

const ns = `launch-agent-e2e-update-${randomBytes(4).toString('hex')}`;
const imagesDir = path.join(repoRoot, 'test/fixtures/images-update');
const registry = new FakeNpmRegistry();
const pkg = Object.fromEntries(agents.map((a) => [a.name, a.npmPackage]));
let tmp: string;
let env: NodeJS.ProcessEnv;

interface UpdateJson {
  checked: Array<{ agent: string; installed?: string; newest: string; updated: boolean }>;
  built: number;
  build?: { images: Array<{ name: string; ref: string; built: boolean }> };
}

const common = ['--base-image', testBaseImage(), '--images-dir', imagesDir, '--image-namespace', ns];
const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  runCli(args, { env: { ...env, ...extraEnv } });
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const installed = (image: string) => docker('run', '--rm', '--entrypoint', 'cat', image, '/cli-versions');

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'la-update-'));
  for (const name of Object.values(pkg)) registry.publish(name, '1.0.0');
  env = {
    npm_config_registry: await registry.start(),
    LAUNCH_AGENT_CONFIG_DIR: path.join(tmp, 'config'),
    LAUNCH_AGENT_CACHE_DIR: path.join(tmp, 'cache'),
  };
  const build = await cli(['images', 'build', '--json', ...common]);
  expect(build.code, build.stderr).toBe(0);
}, 600_000);

afterAll(async () => {
  await registry.stop();
  rmSync(tmp, { recursive: true, force: true });
  // By tag: an image id may also carry another chain's tags (the engine's cache shares layers).
  const refs = docker('images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${ns}/*`);
  for (const ref of refs.split('\n').filter(Boolean)) {
    try {
      execFileSync('docker', ['rmi', ref], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

describe('images update', () => {
  it('builds nothing when npm has nothing newer', async () => {
    const started = performance.now();
    const result = await cli(['images', 'update', '--json', ...common]);
    const ms = performance.now() - started;
    expect(result.code, result.stderr).toBe(0);
    const update = parseJson<UpdateJson>(result);
    expect(update.built).toBe(0);
    expect(update.build).toBeUndefined();
    expect(update.checked.map((c) => [c.agent, c.installed, c.newest, c.updated])).toEqual(
      agents.map((a) => [a.name, '1.0.0', '1.0.0', false]),
    );
    // The small dist-tag document, not the whole package history.
    expect(registry.requests).toContain(`${pkg.claude}/latest`);
    console.log(`images update, nothing new: ${Math.round(ms)} ms`);
  }, 120_000);

  it('images list shows installed vs newest', async () => {
    registry.publish(pkg.claude!, '1.1.0');
    // A fresh cache folder: list asks npm at most once a day.
    const result = await cli(
      [
        'images',
        'list',
        '--json',
        '--image-namespace',
        ns,
        '--images-dir',
        imagesDir,
        '--base-image',
        testBaseImage(),
      ],
      {
        LAUNCH_AGENT_CACHE_DIR: path.join(tmp, 'cache-list'),
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const list = parseJson<{
      newest: { versions: Record<string, string> };
      images: Array<{ name: string; agentVersions: Record<string, string> }>;
    }>(result);
    expect(list.newest.versions).toMatchObject({ claude: '1.1.0', codex: '1.0.0' });
    expect(list.images.find((i) => i.name === 'agents')?.agentVersions.claude).toBe('1.0.0');
    const human = await cli(
      ['images', 'list', '--image-namespace', ns, '--images-dir', imagesDir, '--base-image', testBaseImage()],
      {
        LAUNCH_AGENT_CACHE_DIR: path.join(tmp, 'cache-list'),
      },
    );
    expect(human.stdout).toContain('claude 1.0.0 (newest 1.1.0)');
    expect(human.stdout).toContain('launch-agent images update');
  }, 120_000);

  it('updates only the named agent: the others keep their versions', async () => {
    registry.publish(pkg.codex!, '1.2.0');
    const before = docker('image', 'inspect', '--format', '{{.Id}}', `${ns}/agents:latest`);
    const steps = (ref: string) =>
      new Map(
        docker('history', '--no-trunc', '--format', '{{.CreatedBy}}\t{{.ID}}', ref)
          .split('\n')
          .map((line) => line.split('\t') as [string, string])
          .filter(([by]) => by.includes('/cli-versions')),
      );
    const stepsBefore = steps(`${ns}/agents:latest`);
    const started = performance.now();
    const result = await cli(['images', 'update', 'claude', '--json', ...common]);
    const seconds = (performance.now() - started) / 1000;
    expect(result.code, result.stderr).toBe(0);
    const update = parseJson<UpdateJson>(result);
    expect(update.checked).toEqual([{ agent: 'claude', installed: '1.0.0', newest: '1.1.0', updated: true }]);
    const built = update.build!.images.filter((i) => i.built).map((i) => i.name);
    expect(built).toEqual(['agents', 'claude', 'codex', 'copilot', 'gemini']);
    expect(docker('image', 'inspect', '--format', '{{.Id}}', `${ns}/agents:latest`)).not.toBe(before);
    expect(installed(`${ns}/claude:latest`)).toBe('gemini 1.0.0\ncopilot 1.0.0\ncodex 1.0.0\nclaude 1.1.0');
    // The other CLIs' steps came from the engine's cache: same layers, nothing re-installed.
    const stepsAfter = steps(`${ns}/agents:latest`);
    const changed = [...stepsAfter].filter(([by, id]) => stepsBefore.get(by) !== id).map(([by]) => by);
    expect(changed, JSON.stringify({ before: [...stepsBefore], after: [...stepsAfter] }, null, 1)).toEqual([
      expect.stringContaining('echo "claude $CLAUDE_CODE_VERSION"'),
    ]);
    const labels = JSON.parse(
      docker('image', 'inspect', '--format', '{{json .Config.Labels}}', `${ns}/agents:latest`),
    );
    expect(labels['dev.launch-agent.agent-version.claude']).toBe('1.1.0');
    expect(labels['dev.launch-agent.agent-version.codex']).toBe('1.0.0');
    console.log(`images update claude (fixture layers): ${seconds.toFixed(1)} s`);
  }, 300_000);

  it('the chain stays up to date afterwards: build and a second update build nothing', async () => {
    const build = await cli(['images', 'build', '--json', ...common]);
    expect(build.code, build.stderr).toBe(0);
    expect(parseJson<{ built: number }>(build).built).toBe(0);
    const again = await cli(['images', 'update', 'claude', '--json', ...common]);
    expect(parseJson<UpdateJson>(again).built).toBe(0);
  }, 300_000);

  it('an unknown version is a clean error', async () => {
    registry.versions.delete(pkg.gemini!);
    const result = await cli(['images', 'update', 'gemini', '--json', ...common]);
    expect(result.code).not.toBe(0);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe('IMAGE_BUILD_FAILED');
    expect(error.message).toContain('cannot resolve @google/gemini-cli@latest');
  }, 120_000);
});
