import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostFacts } from '../../../src/config/paths.js';
import {
  type DeliverySpec,
  deliveryKey,
  deliveryLabel,
  deliveryOf,
} from '../../../src/core/launch/deliver-label.js';
import { Labels } from '../../../src/docker/labels.js';
import { LaunchError } from '../../../src/errors.js';

const spec: DeliverySpec = {
  gid: 1234,
  files: [
    {
      source: '/home/dev/.config/launch-agent/secrets.env',
      target: '/run/launch-agent/secrets.env',
      kind: 'file',
    },
    { source: '/home/dev/.config/gh', target: '/run/launch-agent/auth/copilot/.config/gh', kind: 'dir' },
  ],
};
const key = Buffer.alloc(32, 1);

describe('the delivery label', () => {
  it('round-trips under the key that signed it', () => {
    const labels = deliveryLabel(spec, key);
    expect(Object.keys(labels)).toEqual([Labels.deliver]);
    expect(deliveryOf(labels, key)).toEqual(spec);
    expect(deliveryOf({}, key)).toBeUndefined();
  });

  it('is unsigned under another key, when changed, or when it is not ours at all', () => {
    const labels = deliveryLabel(spec, key);
    expect(deliveryOf(labels, Buffer.alloc(32, 2))).toBe('unsigned');
    const record = JSON.parse(labels[Labels.deliver]!);
    record.files[0].source = '/home/dev/.ssh/id_ed25519';
    expect(deliveryOf({ [Labels.deliver]: JSON.stringify(record) }, key)).toBe('unsigned');
    record.files[0].source = spec.files[0]!.source;
    record.gid = 0;
    expect(deliveryOf({ [Labels.deliver]: JSON.stringify(record) }, key)).toBe('unsigned');
    const { mac: _, ...unsigned } = JSON.parse(labels[Labels.deliver]!);
    expect(deliveryOf({ [Labels.deliver]: JSON.stringify(unsigned) }, key)).toBe('unsigned');
    expect(deliveryOf({ [Labels.deliver]: '{not json' }, key)).toBe('unsigned');
    expect(deliveryOf({ [Labels.deliver]: JSON.stringify({ ...record, mac: 'zz' }) }, key)).toBe('unsigned');
  });
});

describe('deliveryKey', () => {
  let dir: string;
  let host: HostFacts;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'la-key-'));
    host = { env: { LAUNCH_AGENT_CONFIG_DIR: path.join(dir, 'config') }, platform: 'linux', homedir: dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made once, readable by the user only, and the same for launches at once', async () => {
    const keys = await Promise.all([deliveryKey(host), deliveryKey(host), deliveryKey(host)]);
    expect(keys[0]).toHaveLength(32);
    for (const k of keys) expect(k.equals(keys[0]!)).toBe(true);
    const file = path.join(dir, 'config', 'deliver.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await deliveryKey(host)).equals(keys[0]!)).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(keys[0]!.toString('hex'));
  });

  it('says what to do with a key file that holds no key', async () => {
    await deliveryKey(host);
    writeFileSync(path.join(dir, 'config', 'deliver.key'), 'garbage\n');
    const error = await deliveryKey(host).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaunchError);
    expect((error as LaunchError).hint).toMatch(/remove it/);
  });
});
