import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launch } from '../../../src/core/launch.js';
import type { LaunchOptions } from '../../../src/core/plan.js';
import type { ProgressEvent } from '../../../src/core/progress.js';
import { Labels } from '../../../src/docker/labels.js';
import { LaunchError } from '../../../src/errors.js';
import { FakeEngine } from '../../helpers/fake-engine.js';

/**
 * launch() against the shared fake engine and a real repo in a temp dir: the steps in order,
 * what the container is given, the gate in the archive, and structural cleanup on failure.
 * The copy goes through the archive stream (the fake engine runs no helper container).
 */

let dir: string;
let repo: string;

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'safe.directory=*', ...args], { cwd: repo, encoding: 'utf8' }).trim();

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'la-unit-launch-'));
  repo = path.join(dir, 'demo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git('config', 'user.name', 'Dev');
  git('config', 'user.email', 'dev@example.com');
  writeFileSync(path.join(repo, 'a.txt'), 'a\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'first');
  writeFileSync(path.join(repo, 'staged.txt'), 'staged\n');
  git('add', 'staged.txt');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function deps(engine: FakeEngine, extra: Partial<Parameters<typeof launch>[1]> = {}) {
  const events: ProgressEvent[] = [];
  return {
    events,
    deps: {
      engine: engine.asEngine(),
      host: {
        env: { LAUNCH_AGENT_COPY: 'stream', LAUNCH_AGENT_CONFIG_DIR: path.join(dir, 'config') },
        platform: 'linux' as const,
        homedir: path.join(dir, 'home'),
      },
      launcherVersion: '9.9.9',
      ensureAgentImage: async () => 'launch-agent/claude:test',
      onProgress: (event: ProgressEvent) => events.push(event),
      now: () => new Date('2026-12-01T00:00:00Z'),
      ...extra,
    },
  };
}

const options: LaunchOptions = { source: '', agent: 'claude', feature: 'feat', mode: 'detach', auth: 'none' };

describe('launch() with the fake engine', () => {
  it('runs the steps in order and gives the container the gate, never the host repo', async () => {
    const engine = new FakeEngine([], []);
    const { deps: d, events } = deps(engine);
    const result = await launch({ ...options, source: repo }, d);

    expect(result.name).toBe('claude-demo-feat');
    expect(result.remotes.local).toBe('/workspace/.git/launch-agent-gate');
    expect(result.copied).toMatchObject({ method: 'stream', history: 'copied' });
    const started = events.filter((e) => e.state === 'start').map((e) => e.step);
    expect(started).toEqual(['create', 'copy', 'git', 'config', 'start']);
    expect(engine.createdVolumes).toEqual(['claude-demo-feat-workspace']);
    expect(engine.started).toEqual(['id-claude-demo-feat']);

    const spec = engine.specs.get('id-claude-demo-feat');
    expect(spec?.labels[Labels.gate]).toBe('1');
    expect(spec?.labels[Labels.hostGitDir]).toBe(path.join(repo, '.git'));
    // Streamed (an engine that may not see this machine): no bind mount of the repo at all.
    expect(spec?.mounts.filter((m) => m.type === 'bind')).toEqual([]);
    expect(spec?.capDrop).toEqual(['ALL']);
    expect(spec?.securityOpt).toContain('no-new-privileges:true');

    const [archive] = engine.archives;
    const entry = (p: string) => archive?.entries.get(`workspace/.git/${p}`);
    expect(entry('launch-agent-gate/hooks/pre-receive')?.mode).toBe(0o755);
    expect(entry('launch-agent-gate/hooks/pre-receive')?.content).toContain('refs/heads/claude/*');
    expect(entry('launch-agent-gate/objects/info/alternates')?.content).toBe('/workspace/.git/objects\n');
    expect(entry('config')?.content).toContain('url = /workspace/.git/launch-agent-gate');
    expect(entry('HEAD')?.content).toBe('ref: refs/heads/claude/feat\n');
    expect(entry('refs/launch-agent/base')?.content).toBe(`${git('rev-parse', 'HEAD')}\n`);
    expect(entry('refs/launch-agent/host/main')?.content).toBe(`${git('rev-parse', 'main')}\n`);
    // The whole history travels with a streamed workspace.
    expect([...(archive?.entries.keys() ?? [])].some((p) => p.startsWith('workspace/.git/objects/'))).toBe(
      true,
    );
    expect(archive?.entries.get('workspace/staged.txt')?.content).toBe('staged\n');

    // The host pins what the session starts from: HEAD and the staged blob.
    const pin = git('rev-parse', 'refs/launch-agent/claude-demo-feat/base');
    expect(git('rev-parse', `${pin}^1`)).toBe(git('rev-parse', 'HEAD'));
    expect(git('show', `${pin}:staged.txt`)).toBe('staged');
  });

  it('on rootless Podman runs the agent with --userns=keep-id and records it in a label', async () => {
    const engine = new FakeEngine([], []);
    engine.infoOverride = { name: 'Podman', rootless: true, version: '4.3.1' };
    const { deps: d } = deps(engine);
    await launch({ ...options, source: repo, feature: 'pod' }, d);
    const spec = engine.specs.get('id-claude-demo-pod');
    expect(spec?.usernsMode).toBe('keep-id');
    expect(spec?.labels[Labels.userns]).toBe('keep-id');
    // Rootful Podman and Docker keep the engine's default.
    const docker = new FakeEngine([], []);
    await launch({ ...options, source: repo, feature: 'dock' }, deps(docker).deps);
    expect(docker.specs.get('id-claude-demo-dock')?.usernsMode).toBeUndefined();
  });

  it("on macOS writes Claude's Keychain login into the home (0600), nowhere in the container's spec", async () => {
    const engine = new FakeEngine([], []);
    const secret = '{"claudeAiOauth":{"accessToken":"sk-ant-oat01-from-keychain"}}';
    const calls: string[][] = [];
    const { deps: d } = deps(engine, {
      runProgram: async (file, args) => {
        calls.push([file, ...args]);
        return { exitCode: 0, stdout: `${secret}\n`, stderr: '' };
      },
    });
    const result = await launch(
      { ...options, source: repo, feature: 'mac', auth: 'ro' },
      { ...d, host: { ...d.host, platform: 'darwin' as const } },
    );
    expect(calls).toEqual([['security', 'find-generic-password', '-s', 'Claude Code-credentials', '-w']]);
    const login = engine.archives[0]?.entries.get('home/agent/.claude/.credentials.json');
    expect(login).toMatchObject({ mode: 0o600, content: `${secret}\n` });
    expect(JSON.stringify(engine.specs.get('id-claude-demo-mac'))).not.toContain('sk-ant-oat01');
    expect(result.warnings.join('\n')).toContain('login read from the macOS Keychain');
    expect(result.warnings.join('\n')).not.toContain('sk-ant-oat01');
    // --auth none never asks.
    calls.length = 0;
    await launch(
      { ...options, source: repo, feature: 'mac2', auth: 'none' },
      { ...d, host: { ...d.host, platform: 'darwin' as const } },
    );
    expect(calls).toEqual([]);
  });

  it('removes the container, its volume and its host refs when the start fails', async () => {
    const engine = new FakeEngine([], []);
    engine.failStart = new Error('no such image layer');
    await expect(launch({ ...options, source: repo }, deps(engine).deps)).rejects.toThrow(
      /no such image layer/,
    );
    expect(engine.removedContainers).toEqual(['id-claude-demo-feat']);
    expect(engine.removedVolumes).toEqual(['claude-demo-feat-workspace']);
    expect(git('for-each-ref', 'refs/launch-agent')).toBe('');
  });

  it('creates nothing when interrupted before the create step, and says so', async () => {
    const engine = new FakeEngine([], []);
    const controller = new AbortController();
    const { deps: d } = deps(engine, {
      signal: controller.signal,
      ensureAgentImage: async () => {
        controller.abort();
        return 'launch-agent/claude:test';
      },
    });
    const error = await launch({ ...options, source: repo }, d).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaunchError);
    expect((error as LaunchError).code).toBe('INTERRUPTED');
    expect(engine.created).toEqual([]);
    expect(engine.createdVolumes).toEqual([]);
    expect(git('for-each-ref', 'refs/launch-agent')).toBe('');
  });

  it('finds bad input before anything is created', async () => {
    const engine = new FakeEngine([], []);
    const error = await launch({ ...options, source: repo, cpus: 'abc' }, deps(engine).deps).catch(
      (e: unknown) => e,
    );
    expect((error as LaunchError).code).toBe('USAGE');
    expect(engine.created).toEqual([]);
    expect(engine.createdVolumes).toEqual([]);
  });
});
