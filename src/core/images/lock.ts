import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LaunchError } from '../../errors.js';

export interface BuildLockOptions {
  /** Called once when another process holds the lock and this one starts waiting. */
  onWait?: (() => void) | undefined;
  timeoutMs?: number | undefined;
  pollMs?: number | undefined;
}

/**
 * One image build at a time per user: a second launch that finds layers missing waits for the
 * first instead of running the same npm install beside it. The lock is a directory holding the
 * owner's pid; a lock whose owner died is taken over. Returns the release function.
 */
export async function acquireBuildLock(
  dir: string,
  options: BuildLockOptions = {},
): Promise<() => Promise<void>> {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const deadline = Date.now() + timeoutMs;
  let waiting = false;
  await mkdir(path.dirname(dir), { recursive: true });
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(path.join(dir, 'pid'), String(process.pid));
      return () => rm(dir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(await readFile(path.join(dir, 'pid'), 'utf8').catch(() => ''));
    if (owner > 0 && !alive(owner)) {
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.();
    }
    if (Date.now() > deadline) {
      throw new LaunchError(
        'IMAGE_BUILD_FAILED',
        `another image build held ${dir} for ${Math.round(timeoutMs / 60_000)} minutes`,
        {
          hint: `wait for the other build, or remove ${dir} if no launch-agent build is running`,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
