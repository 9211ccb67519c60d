import { describe, expect, it } from 'vitest';
import { checkDataRootSpace, LOW_DISK_BYTES } from '../../../../src/core/doctor/disk-check.js';
import type { EngineInfo } from '../../../../src/docker/engine.js';

const info: EngineInfo = {
  endpoint: 'unix:///var/run/docker.sock',
  name: 'Docker',
  version: '20.10.24',
  apiVersion: '1.41',
  storageDriver: 'overlay2',
  os: 'Debian',
  arch: 'x86_64',
  rootless: false,
  hostname: 'here',
  dataRoot: '/var/lib/docker',
  backingFilesystem: 'extfs',
};
const fs = (freeBytes: number) => async () => ({ bavail: freeBytes / 4096, bsize: 4096, blocks: 1e8 });

describe('checkDataRootSpace', () => {
  it('reports free space on a local data root', async () => {
    const check = await checkDataRootSpace(info, { host: 'here', statfs: fs(100 * 1024 ** 3) });
    expect(check.status).toBe('ok');
    expect(check.detail).toMatch(/free of .* on \/var\/lib\/docker \(extfs\)/);
    expect(check.facts?.freeBytes).toBe(100 * 1024 ** 3);
  });

  it('warns under the threshold, with what to do', async () => {
    const check = await checkDataRootSpace(info, { host: 'here', statfs: fs(LOW_DISK_BYTES - 4096) });
    expect(check.status).toBe('warn');
    expect(check.remedy).toContain('prune');
  });

  it('does not look at an engine elsewhere', async () => {
    let asked = false;
    const check = await checkDataRootSpace(info, {
      host: 'other',
      statfs: async () => {
        asked = true;
        return { bavail: 0, bsize: 1, blocks: 0 };
      },
    });
    expect(asked).toBe(false);
    expect(check.status).toBe('ok');
    expect(check.detail).toContain('not checked');
  });
});
