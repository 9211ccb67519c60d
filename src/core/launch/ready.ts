import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { READY_MARK } from '../../container-paths.js';
import type { Engine } from '../../docker/engine.js';
import { Labels } from '../../docker/labels.js';
import { OwnedTar } from '../../workspace/tar.js';

/** On everything a launch creates: which launcher made it (see Labels.launch). */
export function launchLabel(): Record<string, string> {
  return { [Labels.launch]: `${hostname()} ${process.pid}` };
}

/**
 * The launch's last act: the ready mark (root-owned, read-only) in the container's /etc, which
 * the agent user cannot write. Until it is there, `list` shows the session as unfinished.
 */
export async function markReady(engine: Engine, id: string): Promise<void> {
  const tar = new OwnedTar({ uid: 0, gid: 0 });
  const put = engine.putArchive(id, READY_MARK.dir, tar.pack as unknown as Readable);
  await tar.file(READY_MARK.file, `${new Date().toISOString()}\n`, 0o444);
  tar.finish();
  await put;
}

/** A launch from another machine is given this long before its objects count as left over. */
export const FOREIGN_LAUNCH_GRACE_MS = 60 * 60 * 1000;

/**
 * Whether the launch that made an object may still be under way: its launcher process lives on
 * this machine, or (launched elsewhere) it is younger than the grace. Objects without the label
 * were made by launchers before it, which always finished or cleaned up.
 */
export function launchInProgress(
  labels: Record<string, string>,
  createdMs: number,
  options: { now?: number; host?: string; alive?: (pid: number) => boolean } = {},
): boolean {
  const value = labels[Labels.launch];
  if (!value) return false;
  const [host, pidText] = value.split(' ');
  const pid = Number(pidText);
  if ((options.host ?? hostname()) === host && Number.isInteger(pid) && pid > 0) {
    return (options.alive ?? processAlive)(pid);
  }
  return (options.now ?? Date.now()) - createdMs < FOREIGN_LAUNCH_GRACE_MS;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
