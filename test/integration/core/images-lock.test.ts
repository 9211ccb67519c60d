import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireBuildLock } from '../../../src/core/images/lock.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'launch-agent-lock-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('acquireBuildLock', () => {
  it('makes a second holder wait until the first releases', async () => {
    const dir = path.join(tmp, 'a', 'image-build.lock');
    const release = await acquireBuildLock(dir);
    let waited = 0;
    let second = false;
    const next = acquireBuildLock(dir, { pollMs: 20, onWait: () => waited++ }).then((r) => {
      second = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(second).toBe(false);
    expect(waited).toBe(1);
    await release();
    const releaseNext = await next;
    expect(second).toBe(true);
    await releaseNext();
  });

  it('gives up after the timeout with what to do', async () => {
    const dir = path.join(tmp, 'b.lock');
    const release = await acquireBuildLock(dir);
    await expect(acquireBuildLock(dir, { pollMs: 10, timeoutMs: 50 })).rejects.toMatchObject({
      code: 'IMAGE_BUILD_FAILED',
      hint: expect.stringContaining(dir),
    });
    await release();
  });

  it('takes over a lock whose owner died', async () => {
    const dir = path.join(tmp, 'c.lock');
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    await mkdir(dir);
    await writeFile(path.join(dir, 'pid'), dead);
    const release = await acquireBuildLock(dir, { timeoutMs: 1000 });
    await release();
  });
});
