import { describe, expect, it } from 'vitest';
import {
  copyMethodBeforeEngine,
  copyMethodFromEngine,
  judgeCopyErrors,
} from '../../../src/core/launch/bind-copy.js';
import type { EngineEndpoint } from '../../../src/docker/connect.js';
import type { EngineInfo } from '../../../src/docker/engine.js';

const unixSocket: EngineEndpoint = {
  url: 'unix:///var/run/docker.sock',
  protocol: 'unix',
  socketPath: '/var/run/docker.sock',
  source: 'default socket',
};
const localDocker: EngineInfo = {
  endpoint: unixSocket.url,
  name: 'Docker',
  version: '27.3.1',
  apiVersion: '1.47',
  storageDriver: 'overlay2',
  os: 'Ubuntu 24.04.1 LTS',
  arch: 'amd64',
  rootless: false,
  hostname: 'devbox',
};

describe('copy method', () => {
  const linux = { setting: undefined, platform: 'linux' as const, endpoint: unixSocket };

  it('asks the engine on Linux over a unix socket, and binds when it runs here', () => {
    expect(copyMethodBeforeEngine(linux)).toBeUndefined();
    expect(copyMethodFromEngine(localDocker, 'devbox').method).toBe('bind');
  });

  it('streams to an engine in a VM, over the network, or elsewhere', () => {
    expect(copyMethodBeforeEngine({ ...linux, platform: 'darwin' })?.method).toBe('stream');
    expect(copyMethodBeforeEngine({ ...linux, platform: 'win32' })?.method).toBe('stream');
    const ssh: EngineEndpoint = { url: 'ssh://me@box', protocol: 'ssh', host: 'box', source: 'DOCKER_HOST' };
    expect(copyMethodBeforeEngine({ ...linux, endpoint: ssh })).toEqual({
      method: 'stream',
      reason: 'the engine is reached over ssh',
    });
    expect(copyMethodFromEngine(localDocker, 'laptop')).toEqual({
      method: 'stream',
      reason: 'the engine runs on devbox, not laptop',
    });
    expect(copyMethodFromEngine({ ...localDocker, os: 'Docker Desktop' }, 'devbox').method).toBe('stream');
    expect(copyMethodFromEngine(undefined, 'devbox').method).toBe('stream');
  });

  it('streams where user ids are mapped: rootless Docker, Podman', () => {
    expect(copyMethodFromEngine({ ...localDocker, rootless: true }, 'devbox').method).toBe('stream');
    expect(copyMethodFromEngine({ ...localDocker, name: 'Podman' }, 'devbox').method).toBe('stream');
  });

  it('LAUNCH_AGENT_COPY forces a method, and a bad value is a usage error', () => {
    expect(copyMethodBeforeEngine({ ...linux, setting: 'stream' })?.method).toBe('stream');
    expect(copyMethodBeforeEngine({ ...linux, platform: 'darwin', setting: 'BIND' })?.method).toBe('bind');
    expect(copyMethodBeforeEngine({ ...linux, setting: 'auto' })).toBeUndefined();
    expect(() => copyMethodBeforeEngine({ ...linux, setting: 'fast' })).toThrow(
      /LAUNCH_AGENT_COPY must be auto, bind or stream, got `fast`/,
    );
  });
});

describe('judgeCopyErrors', () => {
  it('ignores deleted work-tree files, skips unreadable ones, fails on anything else', () => {
    const stderr = [
      "cp: cannot stat 'to-delete.txt': No such file or directory",
      "cp: cannot open 'secret dir/key.pem' for reading: Permission denied",
      "cp: cannot open '/run/launch-agent/copy/git/objects/pack/x.pack' for reading: Permission denied",
      "cp: error writing '/run/launch-agent/copy/workspace/big.bin': No space left on device",
      '',
    ].join('\n');
    expect(judgeCopyErrors(stderr)).toEqual({
      skipped: ['secret dir/key.pem', 'objects/pack/x.pack'],
      errors: ["cp: error writing '/run/launch-agent/copy/workspace/big.bin': No space left on device"],
    });
    expect(judgeCopyErrors('')).toEqual({ skipped: [], errors: [] });
  });
});
