import { describe, expect, it } from 'vitest';
import { checkLaunchPath } from '../../../../src/core/doctor/launch-path-check.js';
import type { DoctorDeps } from '../../../../src/core/doctor/types.js';
import type { EngineEndpoint } from '../../../../src/docker/connect.js';
import type { Engine, EngineInfo } from '../../../../src/docker/engine.js';
import { engineInfo, unix } from '../engine-fixtures.js';

function deps(platform: NodeJS.Platform = 'linux', env: NodeJS.ProcessEnv = {}): DoctorDeps {
  return { host: { platform, env, homedir: '/home/dev' }, hostname: 'dev-box' } as unknown as DoctorDeps;
}

function engine(endpoint: EngineEndpoint = unix, info: EngineInfo | Error = engineInfo()): Engine {
  return {
    endpoint,
    info: async () => {
      if (info instanceof Error) throw info;
      return info;
    },
  } as unknown as Engine;
}

describe('doctor: the path a launch takes', () => {
  it('rootful Docker here: the helper copy, the owner uid, git push through the .git mount', () => {
    const check = checkLaunchPath(deps(), engine(), engineInfo());
    expect(check.status).toBe('ok');
    expect(check.facts).toEqual({
      engineKind: 'docker',
      copy: 'bind',
      copyReason: 'the engine runs on this machine',
      userns: null,
      pushToHost: true,
      limits: true,
    });
    expect(check.detail).toMatch(/^Docker Engine: the workspace is copied by a helper container/);
  });

  it('Docker Desktop (macOS, Windows): the stream, uid 1000, file sharing', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const check = checkLaunchPath(deps(platform), engine(), engineInfo({ os: 'Docker Desktop' }));
      expect(check.facts).toMatchObject({ engineKind: 'docker-desktop', copy: 'stream', pushToHost: true });
      expect(check.detail).toContain(`because the engine runs in a VM on ${platform}`);
      expect(check.detail).toContain("Docker Desktop's file sharing");
    }
    // Docker Desktop for Linux runs a VM too.
    const linux = checkLaunchPath(deps(), engine(), engineInfo({ os: 'Docker Desktop' }));
    expect(linux.facts).toMatchObject({
      copy: 'stream',
      copyReason: 'Docker Desktop runs the engine in a VM',
    });
  });

  it('rootless Docker: the stream (uids are mapped), and the gate brings the work back', () => {
    const check = checkLaunchPath(deps(), engine(), engineInfo({ rootless: true, cgroupVersion: '2' }));
    expect(check.status).toBe('ok');
    expect(check.facts).toMatchObject({
      engineKind: 'docker-rootless',
      copy: 'stream',
      pushToHost: true,
      limits: true,
    });
    expect(check.detail).toContain('rootless Docker maps user ids');
    expect(check.detail).toContain('git on this machine fetches it into your repo');
  });

  it('rootless Podman: the stream, keep-id; on cgroup v1 it warns that the limits are dropped', () => {
    const v2 = checkLaunchPath(
      deps(),
      engine(),
      engineInfo({ name: 'Podman', rootless: true, cgroupVersion: '2' }),
    );
    expect(v2.status).toBe('ok');
    expect(v2.facts).toMatchObject({
      engineKind: 'podman-rootless',
      copy: 'stream',
      userns: 'keep-id',
      pushToHost: true,
    });
    const v1 = checkLaunchPath(
      deps(),
      engine(),
      engineInfo({ name: 'Podman', rootless: true, cgroupVersion: '1' }),
    );
    expect(v1.status).toBe('warn');
    expect(v1.detail).toContain('drops the CPU, memory and PID limits');
    expect(v1.remedy).toContain('cgroup v2');
  });

  it('a remote engine: the stream, and launch-agent sync over the engine API', () => {
    const ssh: EngineEndpoint = {
      url: 'ssh://me@build',
      protocol: 'ssh',
      host: 'build',
      source: 'DOCKER_HOST',
    };
    const check = checkLaunchPath(deps(), engine(ssh), engineInfo({ hostname: 'build' }));
    expect(check.status).toBe('ok');
    expect(check.facts).toMatchObject({
      engineKind: 'remote',
      copy: 'stream',
      copyReason: 'the engine is reached over ssh',
    });
    expect(check.detail).toContain('`launch-agent sync` fetches it into your repo over the engine API');
  });

  it('honours LAUNCH_AGENT_COPY and fails on a bad value', () => {
    const forced = checkLaunchPath(deps('linux', { LAUNCH_AGENT_COPY: 'stream' }), engine(), engineInfo());
    expect(forced.facts).toMatchObject({ copy: 'stream', copyReason: 'LAUNCH_AGENT_COPY=stream' });
    const bad = checkLaunchPath(deps('linux', { LAUNCH_AGENT_COPY: 'fast' }), engine(), engineInfo());
    expect(bad.status).toBe('fail');
  });
});
