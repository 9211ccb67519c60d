import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostFacts } from '../../../src/config/paths.js';
import {
  DELIVERY_ROOT,
  deliverFiles,
  engineSeesHostFiles,
  redeliver,
} from '../../../src/core/launch/deliver.js';
import { type DeliverySpec, deliveryKey, deliveryLabel } from '../../../src/core/launch/deliver-label.js';
import type { Engine, EngineInfo, ExecOptions, ExecResult } from '../../../src/docker/engine.js';
import { LaunchError } from '../../../src/errors.js';

const info: EngineInfo = {
  endpoint: 'unix:///var/run/docker.sock',
  name: 'Docker',
  version: '20.10.24',
  apiVersion: '1.41',
  storageDriver: 'overlay2',
  os: 'Debian GNU/Linux 12 (bookworm)',
  arch: 'x86_64',
  rootless: false,
  hostname: 'dev-box',
};

describe('engineSeesHostFiles', () => {
  it('binds on an engine of this machine and on Docker Desktop; delivers to an engine elsewhere', () => {
    expect(engineSeesHostFiles(info, 'dev-box')).toBe(true);
    expect(
      engineSeesHostFiles({ ...info, os: 'Docker Desktop', hostname: 'docker-desktop' }, 'dev-box'),
    ).toBe(true);
    expect(engineSeesHostFiles({ ...info, hostname: 'build-server' }, 'dev-box')).toBe(false);
    // No answer: the bind mounts as before (the create then says what is wrong).
    expect(engineSeesHostFiles(undefined, 'dev-box')).toBe(true);
  });
});

/** Records each exec and answers with `reply`. */
function fakeEngine(
  reply: ExecResult = { exitCode: 0, stdout: '', stderr: '' },
  labels: Record<string, string> = {},
) {
  const execs: Array<{ id: string; options: ExecOptions }> = [];
  const engine = {
    exec: async (id: string, options: ExecOptions) => {
      execs.push({ id, options });
      return reply;
    },
    inspectContainer: async (id: string) => ({ id, labels }),
  } as unknown as Engine;
  return { engine, execs };
}

interface Entry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  text: string;
}

async function entriesOf(input: ExecOptions['stdin']): Promise<Entry[]> {
  const extract = tar.extract();
  const entries: Entry[] = [];
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    stream.on('end', () => {
      entries.push({
        name: header.name,
        type: header.type ?? 'file',
        mode: header.mode ?? 0,
        uid: header.uid ?? -1,
        gid: header.gid ?? -1,
        text: Buffer.concat(chunks).toString('utf8'),
      });
      next();
    });
  });
  const done = new Promise((resolve, reject) => {
    extract.on('finish', () => resolve(undefined));
    extract.on('error', reject);
  });
  extract.end(input);
  await done;
  return entries;
}

describe('deliverFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'la-deliver-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sends the files as root:<agent group>, 0440 (folders 0750), to tar over stdin; never in the command', async () => {
    writeFileSync(path.join(dir, 'secrets.env'), 'TOKEN=s3cret-value\n', { mode: 0o600 });
    writeFileSync(path.join(dir, 'creds.json'), '{"t":"login"}', { mode: 0o600 });
    mkdirSync(path.join(dir, 'gh', 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'gh', 'hosts.yml'), 'oauth_token: x\n');
    writeFileSync(path.join(dir, 'gh', 'sub', 'deep.yml'), 'deep\n');
    symlinkSync('/etc/passwd', path.join(dir, 'gh', 'link'));
    const { engine, execs } = fakeEngine();
    const result = await deliverFiles(engine, 'c1', {
      gid: 1234,
      files: [
        {
          source: path.join(dir, 'creds.json'),
          target: `${DELIVERY_ROOT}/auth/claude/.claude/.credentials.json`,
          kind: 'file',
        },
        { source: path.join(dir, 'gh'), target: `${DELIVERY_ROOT}/auth/copilot/.config/gh`, kind: 'dir' },
        { source: path.join(dir, 'secrets.env'), target: `${DELIVERY_ROOT}/secrets.env`, kind: 'file' },
        { source: path.join(dir, 'gone.json'), target: `${DELIVERY_ROOT}/auth/x/gone.json`, kind: 'file' },
      ],
    });
    expect(result.missing).toEqual([path.join(dir, 'gone.json')]);
    expect(result.delivered).toHaveLength(3);
    expect(execs).toHaveLength(1);
    const { id, options } = execs[0]!;
    expect(id).toBe('c1');
    expect(options.user).toBe('0:1234');
    expect(options.cmd).toEqual(['/bin/tar', '-x', '--no-same-owner', '-C', '/run/launch-agent', '-f', '-']);
    expect(JSON.stringify(options.cmd)).not.toContain('s3cret');
    const entries = await entriesOf(options.stdin);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('secrets.env')).toMatchObject({
      type: 'file',
      mode: 0o440,
      text: 'TOKEN=s3cret-value\n',
    });
    expect(byName.get('auth/claude/.claude/.credentials.json')).toMatchObject({
      mode: 0o440,
      text: '{"t":"login"}',
    });
    expect(byName.get('auth/copilot/.config/gh/')).toMatchObject({ type: 'directory', mode: 0o750 });
    expect(byName.get('auth/copilot/.config/gh/hosts.yml')).toMatchObject({ mode: 0o440 });
    expect(byName.get('auth/copilot/.config/gh/sub/deep.yml')).toMatchObject({ text: 'deep\n' });
    // A link could point anywhere on this machine: left out, never followed.
    expect(entries.some((e) => e.name.endsWith('/link'))).toBe(false);
    expect(entries.some((e) => e.name === './' || e.name.startsWith('/'))).toBe(false);
    for (const entry of entries) expect([entry.uid, entry.gid]).toEqual([0, 1234]);
  });

  it('fails with what tar said when the container would not take them', async () => {
    writeFileSync(path.join(dir, 'secrets.env'), 'A=1\n');
    const { engine } = fakeEngine({
      exitCode: 2,
      stdout: '',
      stderr: 'tar: secrets.env: No space left on device\n',
    });
    const spec: DeliverySpec = {
      gid: 1000,
      files: [
        { source: path.join(dir, 'secrets.env'), target: `${DELIVERY_ROOT}/secrets.env`, kind: 'file' },
      ],
    };
    const error = await deliverFiles(engine, 'c1', spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaunchError);
    expect((error as LaunchError).code).toBe('COMMAND_FAILED');
    expect((error as LaunchError).message).toMatch(/No space left on device/);
  });

  it('redeliver sends what a label this machine signed lists; nothing for no label or one signed elsewhere', async () => {
    writeFileSync(path.join(dir, 'secrets.env'), 'A=2\n');
    const host: HostFacts = {
      env: { LAUNCH_AGENT_CONFIG_DIR: path.join(dir, 'config') },
      platform: 'linux',
      homedir: dir,
    };
    const spec: DeliverySpec = {
      gid: 1000,
      files: [
        { source: path.join(dir, 'secrets.env'), target: `${DELIVERY_ROOT}/secrets.env`, kind: 'file' },
      ],
    };
    const signed = fakeEngine(undefined, deliveryLabel(spec, await deliveryKey(host)));
    expect(await redeliver(signed.engine, { id: 'c1', name: 'one' }, host)).toEqual([]);
    expect((await entriesOf(signed.execs[0]!.options.stdin))[0]?.text).toBe('A=2\n');

    const plain = fakeEngine();
    expect(await redeliver(plain.engine, { id: 'c2', name: 'two' }, host)).toEqual([]);
    expect(plain.execs).toEqual([]);

    // Someone who can create containers on the engine names a host file of their choice.
    const forged = fakeEngine(undefined, deliveryLabel(spec, Buffer.alloc(32, 7)));
    const warnings = await redeliver(forged.engine, { id: 'c3', name: 'three' }, host);
    expect(warnings).toEqual([
      expect.stringMatching(/^three: its delivery label was not written on this machine/),
    ]);
    expect(forged.execs).toEqual([]);
  });

  it('redeliver says which host files are gone', async () => {
    const host: HostFacts = {
      env: { LAUNCH_AGENT_CONFIG_DIR: path.join(dir, 'config') },
      platform: 'linux',
      homedir: dir,
    };
    const gone = path.join(dir, 'gone.env');
    const spec: DeliverySpec = {
      gid: 1000,
      files: [{ source: gone, target: `${DELIVERY_ROOT}/secrets.env`, kind: 'file' }],
    };
    const { engine } = fakeEngine(undefined, deliveryLabel(spec, await deliveryKey(host)));
    expect(await redeliver(engine, { id: 'c1', name: 'one' }, host)).toEqual([
      `one: ${gone} not found or not readable on this machine, so not delivered into the container`,
    ]);
  });
});
