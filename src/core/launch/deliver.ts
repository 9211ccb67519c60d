import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostFacts } from '../../config/paths.js';
import type { Engine, EngineInfo, MountSpec } from '../../docker/engine.js';
import { Labels } from '../../docker/labels.js';
import { LaunchError } from '../../errors.js';
import { OwnedTar } from '../../workspace/tar.js';
import { type DeliverySpec, deliveryKey, deliveryOf } from './deliver-label.js';

/**
 * Logins and the secrets file reach the container in one of two ways:
 *
 * - bound: read-only bind mounts of the host files, when the engine sees this machine's files;
 * - delivered: when the engine runs elsewhere (a remote DOCKER_HOST, a VM other than Docker
 *   Desktop's), the launcher reads the host files and writes them over `docker exec` into a tmpfs
 *   at DELIVERY_ROOT, after every start. A tmpfs lives in memory and is emptied when the
 *   container stops, so `launch-agent start` delivers again (from the host files as they are
 *   then); the container's label keeps only the host paths, signed (deliver-label.ts).
 *
 * Neither way puts them in an image, the container's env, `docker inspect` or a log.
 */
export const DELIVERY_ROOT = '/run/launch-agent';

/** Logins and a secrets file are a few KiB; the limit only bounds a mistake. */
const DELIVERY_TMPFS_BYTES = 16 * 1024 * 1024;

/** One host file or folder, delivered to `target` (an absolute path under DELIVERY_ROOT). */
export interface Delivery {
  source: string;
  target: string;
  kind: 'file' | 'dir';
}

export interface DeliveryResult {
  /** Host paths delivered. */
  delivered: string[];
  /** Host paths that were not there (or not readable) to deliver, as warnings. */
  missing: string[];
}

/**
 * Whether bind mounts of this machine's files work on the engine: it runs here (its host name is
 * ours, the rule the workspace copy also uses, see bind-copy.ts), or it is Docker Desktop, which
 * shares the host's files with its VM. An engine that did not answer keeps the bind mounts, as
 * before: its launch fails at create, with the engine's message.
 */
export function engineSeesHostFiles(info: EngineInfo | undefined, hostname: string): boolean {
  if (!info) return true;
  if (/docker desktop/i.test(info.os)) return true;
  return info.hostname === hostname;
}

/** The tmpfs the deliveries land in: owned by root, so the agent can read what it gets but not change it. */
export function deliveryMount(): MountSpec {
  return {
    type: 'tmpfs',
    source: '',
    target: DELIVERY_ROOT,
    tmpfs: { sizeBytes: DELIVERY_TMPFS_BYTES, mode: 0o755 },
  };
}

/**
 * Writes the host files into the running container's DELIVERY_ROOT (replacing what is there):
 * files 0440 and folders 0750, owned by root and the agent's group. Runs `tar` as root without
 * capabilities (the container's own settings), reading a small archive from stdin: the
 * contents travel in the exec's stdin only, never in its command line.
 */
export async function deliverFiles(engine: Engine, id: string, spec: DeliverySpec): Promise<DeliveryResult> {
  const result: DeliveryResult = { delivered: [], missing: [] };
  if (spec.files.length === 0) return result;
  const tar = new OwnedTar({ uid: 0, gid: spec.gid });
  const chunks: Buffer[] = [];
  tar.pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const packed = new Promise<void>((resolve, reject) => {
    tar.pack.on('end', resolve);
    tar.pack.on('error', reject);
  });
  for (const item of spec.files) {
    const name = path.posix.relative(DELIVERY_ROOT, item.target);
    if (name.startsWith('..') || name === '') {
      throw new LaunchError('INTERNAL', `delivery target ${item.target} is outside ${DELIVERY_ROOT}`);
    }
    const added =
      item.kind === 'dir' ? await addFolder(tar, name, item.source) : await addFile(tar, name, item.source);
    (added ? result.delivered : result.missing).push(item.source);
  }
  tar.finish();
  await packed;
  const run = await engine.exec(id, {
    // By full path: the run as root must not depend on a PATH folder an image left writable.
    cmd: ['/bin/tar', '-x', '--no-same-owner', '-C', DELIVERY_ROOT, '-f', '-'],
    user: `0:${spec.gid}`,
    stdin: Buffer.concat(chunks),
  });
  if (run.exitCode !== 0) {
    throw new LaunchError(
      'COMMAND_FAILED',
      `could not deliver the logins and the secrets file into the container: ${run.stderr.trim() || `tar exited with ${run.exitCode}`}`,
      { hint: 'run `launch-agent start NAME` to try again; `launch-agent doctor` checks the engine' },
    );
  }
  return result;
}

/** The launch's part, once the container runs: what the plan lists (nothing where they are bind-mounted). */
export async function deliverPlanned(
  engine: Engine,
  id: string,
  plan: { name: string; user: { gid: number }; deliveries: Delivery[] },
  warn: (message: string) => void,
): Promise<void> {
  if (plan.deliveries.length === 0) return;
  const { missing } = await deliverFiles(engine, id, { gid: plan.user.gid, files: plan.deliveries });
  const warning = missingWarning(plan.name, missing);
  if (warning) warn(warning);
}

/**
 * `start`'s part: delivers again what the container's label records, if this machine signed it.
 * Returns warnings (host files gone, a label this machine did not write).
 */
export async function redeliver(
  engine: Engine,
  session: { id: string; name: string },
  host: HostFacts,
): Promise<string[]> {
  const labels = (await engine.inspectContainer(session.id))?.labels ?? {};
  if (!labels[Labels.deliver]) return [];
  const spec = deliveryOf(labels, await deliveryKey(host));
  if (spec === undefined) return [];
  if (spec === 'unsigned') {
    return [
      `${session.name}: its delivery label was not written on this machine (launched elsewhere, or made by hand), so no login or secrets file was delivered; launch a new session from this machine`,
    ];
  }
  const warning = missingWarning(session.name, (await deliverFiles(engine, session.id, spec)).missing);
  return warning ? [warning] : [];
}

/** The warning for host files that could not be delivered. */
function missingWarning(name: string, missing: string[]): string | undefined {
  if (missing.length === 0) return undefined;
  return `${name}: ${missing.join(', ')} not found or not readable on this machine, so not delivered into the container`;
}

async function addFile(tar: OwnedTar, name: string, source: string): Promise<boolean> {
  const content = await readFile(source).catch(() => undefined);
  if (content === undefined) return false;
  await tar.file(name, content, 0o440);
  return true;
}

/** Regular files and folders; links are left out (a link to elsewhere on the host would not resolve there). */
async function addFolder(tar: OwnedTar, name: string, source: string): Promise<boolean> {
  const entries = await readdir(source).catch(() => undefined);
  if (entries === undefined) return false;
  await tar.dir(name, 0o750);
  for (const entry of entries.sort()) {
    const from = path.join(source, entry);
    const info = await lstat(from).catch(() => undefined);
    if (info?.isDirectory()) await addFolder(tar, `${name}/${entry}`, from);
    else if (info?.isFile()) await addFile(tar, `${name}/${entry}`, from);
  }
  return true;
}
