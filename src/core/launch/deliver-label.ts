import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { configDir, type HostFacts } from '../../config/paths.js';
import { Labels } from '../../docker/labels.js';
import { LaunchError } from '../../errors.js';
import type { Delivery } from './deliver.js';

/** What a container's label records: the host paths to deliver and the group that may read them. */
export interface DeliverySpec {
  gid: number;
  files: Delivery[];
}

/**
 * The label is signed with a key that never leaves this machine: anyone who can create
 * containers on the engine could otherwise write a label naming any host file (an SSH key) and
 * have `launch-agent start` send it into their container.
 */
export function deliveryLabel(spec: DeliverySpec, key: Buffer): Record<string, string> {
  return { [Labels.deliver]: JSON.stringify({ ...canonical(spec), mac: mac(spec, key) }) };
}

/**
 * The spec a container's label records: undefined when it has none (bind mounts, an older
 * launch); `unsigned` when this machine's key did not sign it (another machine launched it, or
 * someone wrote the label), and then nothing may be delivered.
 */
export function deliveryOf(
  labels: Record<string, string>,
  key: Buffer,
): DeliverySpec | 'unsigned' | undefined {
  const text = labels[Labels.deliver];
  if (!text) return undefined;
  let parsed: DeliverySpec & { mac?: unknown };
  try {
    parsed = JSON.parse(text) as DeliverySpec & { mac?: unknown };
  } catch {
    return 'unsigned';
  }
  if (!Number.isInteger(parsed.gid) || !Array.isArray(parsed.files) || typeof parsed.mac !== 'string') {
    return 'unsigned';
  }
  const spec = canonical(parsed);
  const expected = Buffer.from(mac(spec, key), 'hex');
  const given = Buffer.from(parsed.mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? spec : 'unsigned';
}

/** `deliver.key` in the config folder (0600), made on first use; two launches at once agree on one. */
export async function deliveryKey(host: HostFacts): Promise<Buffer> {
  const file = path.join(configDir(host), 'deliver.key');
  const existing = await readKey(file);
  if (existing) return existing;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  // A link is made whole or not at all: a second launcher reads the first one's key, never half of it.
  await link(temp, file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await rm(temp, { force: true });
  const key = await readKey(file);
  if (!key) {
    throw new LaunchError('COMMAND_FAILED', `${file} holds no launch-agent key`, {
      hint: 'remove it; sessions on engines elsewhere launched before then get their logins again only when relaunched',
    });
  }
  return key;
}

async function readKey(file: string): Promise<Buffer | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const hex = text?.trim();
  return hex && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

function canonical(spec: DeliverySpec): DeliverySpec {
  return {
    gid: spec.gid,
    files: spec.files.map((f) => ({ source: String(f.source), target: String(f.target), kind: f.kind })),
  };
}

function mac(spec: DeliverySpec, key: Buffer): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(canonical(spec)))
    .digest('hex');
}
