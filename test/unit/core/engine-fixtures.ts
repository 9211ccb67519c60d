import type { EngineEndpoint } from '../../../src/docker/connect.js';
import type { EngineInfo } from '../../../src/docker/engine.js';

/** What a rootful Docker Engine on this machine says about itself; override per test. */
export function engineInfo(extra: Partial<EngineInfo> = {}): EngineInfo {
  return {
    endpoint: 'unix:///var/run/docker.sock',
    name: 'Docker',
    version: '20.10.24',
    apiVersion: '1.41',
    storageDriver: 'overlay2',
    os: 'Debian GNU/Linux 12 (bookworm)',
    arch: 'x86_64',
    rootless: false,
    hostname: 'dev-box',
    ...extra,
  };
}

export const unix: EngineEndpoint = {
  url: 'unix:///var/run/docker.sock',
  protocol: 'unix',
  socketPath: '/var/run/docker.sock',
  source: 'default socket',
};
