import { describe, expect, it } from 'vitest';
import {
  engineKind,
  engineSettingsPlace,
  mtuRemedy,
  storageRemedy,
  userMappingNote,
  usernsFor,
} from '../../../src/core/engine-profile.js';
import type { EngineEndpoint } from '../../../src/docker/connect.js';
import { engineInfo, unix } from './engine-fixtures.js';

describe('engineKind', () => {
  it('tells every engine apart from what it says about itself and how it is reached', () => {
    expect(engineKind(engineInfo(), unix)).toBe('docker');
    expect(engineKind(engineInfo({ rootless: true }), unix)).toBe('docker-rootless');
    expect(engineKind(engineInfo({ os: 'Docker Desktop' }), unix)).toBe('docker-desktop');
    // Docker Desktop on Windows, reached over its pipe, is still Docker Desktop.
    const pipe: EngineEndpoint = {
      url: 'npipe:////./pipe/docker_engine',
      protocol: 'npipe',
      source: 'default pipe',
    };
    expect(engineKind(engineInfo({ os: 'Docker Desktop' }), pipe)).toBe('docker-desktop');
    expect(engineKind(engineInfo({ name: 'Podman', os: 'debian' }), unix)).toBe('podman');
    expect(engineKind(engineInfo({ name: 'Podman', rootless: true }), unix)).toBe('podman-rootless');
    const ssh: EngineEndpoint = {
      url: 'ssh://me@build',
      protocol: 'ssh',
      host: 'build',
      source: 'DOCKER_HOST',
    };
    expect(engineKind(engineInfo(), ssh)).toBe('remote');
    expect(engineKind(engineInfo({ rootless: true }), { ...ssh, protocol: 'tcp' })).toBe('remote');
    // Podman machine (macOS/Windows) is Podman, whatever the transport.
    expect(engineKind(engineInfo({ name: 'Podman', rootless: true }), ssh)).toBe('podman-rootless');
  });
});

describe('user mapping', () => {
  it('keep-id only for rootless Podman (the host user keeps its uid inside)', () => {
    expect(usernsFor('podman-rootless')).toBe('keep-id');
    for (const kind of ['docker', 'docker-rootless', 'docker-desktop', 'podman', 'remote'] as const) {
      expect(usernsFor(kind)).toBeUndefined();
    }
  });

  it('says how the agent uid relates to the host user, per engine', () => {
    expect(userMappingNote('docker', 'linux')).toMatch(/repo owner's uid\/gid/);
    expect(userMappingNote('docker', 'darwin')).toMatch(/uid 1000/);
    expect(userMappingNote('podman-rootless', 'linux')).toMatch(/--userns=keep-id/);
    expect(userMappingNote('docker-rootless', 'linux')).toMatch(/subordinate uid/);
    expect(userMappingNote('docker-desktop', 'win32')).toMatch(/file sharing/);
  });
});

describe("remedies name the engine's own settings", () => {
  it('MTU: daemon.json for Docker, Settings for Docker Desktop, containers.conf for Podman', () => {
    expect(mtuRemedy('docker', 1400)).toBe(
      'set "mtu": 1400 in /etc/docker/daemon.json and restart the engine',
    );
    expect(mtuRemedy('docker-rootless', 1400)).toContain('~/.config/docker/daemon.json');
    expect(mtuRemedy('docker-desktop', 1400)).toBe(
      'add "mtu": 1400 in Docker Desktop: Settings > Docker Engine, then Apply & restart',
    );
    for (const kind of ['podman', 'podman-rootless'] as const) {
      const remedy = mtuRemedy(kind, 1400);
      expect(remedy).toContain('podman network create -o mtu=1400');
      expect(remedy).toContain('containers.conf');
      expect(remedy).not.toContain('daemon.json');
    }
  });

  it('storage driver: daemon.json for Docker, storage.conf for Podman', () => {
    expect(storageRemedy('docker')).toContain('"storage-driver": "overlay2" in /etc/docker/daemon.json');
    expect(storageRemedy('podman')).toMatch(/driver = "overlay" in storage\.conf/);
    expect(storageRemedy('podman-rootless')).toMatch(/~\/\.config\/containers\/storage\.conf/);
    expect(storageRemedy('docker-desktop')).toContain('Settings > Docker Engine');
  });

  it('every engine kind has a settings place', () => {
    for (const kind of [
      'docker',
      'docker-rootless',
      'docker-desktop',
      'podman',
      'podman-rootless',
      'remote',
    ] as const) {
      expect(engineSettingsPlace(kind)).toMatch(/\S/);
    }
  });
});
