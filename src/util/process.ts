import { readFileSync } from 'node:fs';

/**
 * Whether `pid` names a live process (ours or another user's). A killed process nobody reaped yet
 * (PID 1 of a container may never reap it) still answers kill 0, so a zombie counts as gone.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
