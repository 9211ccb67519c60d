import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostDoctorDeps } from '../../../src/core/doctor/host-deps.js';

// The real host behind doctor's injected probes: processes through execa, the file system, /proc.
const deps = hostDoctorDeps(async () => {
  throw new Error('no engine in this test');
});
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-doctor-host-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hostDoctorDeps', () => {
  it('runs a program and returns its exit code and output', async () => {
    const result = await deps.run('git', ['--version']);
    expect(result).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^git version \d+\.\d+/) });
    const failing = await deps.run('git', ['config', '--get', 'launch-agent.no-such-key']);
    expect(failing?.exitCode).toBe(1);
  });

  it('says undefined for a program that is not installed', async () => {
    expect(await deps.run('launch-agent-no-such-program', ['--version'])).toBeUndefined();
  });

  it('stats files and directories with their permission bits; undefined when missing', async () => {
    const file = path.join(dir, 'secrets.env');
    writeFileSync(file, 'A=1\n');
    chmodSync(file, 0o640);
    mkdirSync(path.join(dir, 'sub'));
    expect(await deps.stat(file)).toEqual({ kind: 'file', mode: 0o640 });
    expect(await deps.stat(path.join(dir, 'sub'))).toMatchObject({ kind: 'dir' });
    expect(await deps.stat(path.join(dir, 'missing'))).toBeUndefined();
    expect(await deps.readFile(file)).toBe('A=1\n');
  });

  it('reads the default-route interface and its MTU from /proc and /sys', async () => {
    const routes = readFileSync('/proc/net/route', 'utf8').split('\n').slice(1);
    const iface = routes.map((l) => l.trim().split(/\s+/)).find((cols) => cols[1] === '00000000')?.[0];
    const mtu = await deps.hostMtu?.();
    if (!iface) {
      expect(mtu).toBeUndefined();
      return;
    }
    expect(mtu).toEqual({ iface, mtu: Number(readFileSync(`/sys/class/net/${iface}/mtu`, 'utf8')) });
  });

  it('offers the images and config.toml probes', async () => {
    expect(typeof deps.images).toBe('function');
    const config = await deps.userConfig?.();
    expect(config).toMatchObject({
      files: expect.any(Array),
      servers: expect.any(Array),
      warnings: expect.any(Array),
    });
    // The engine factory is the one given.
    await expect(deps.engine()).rejects.toThrow('no engine in this test');
  });
});
