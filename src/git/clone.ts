import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LaunchError, messageOf } from '../errors.js';

export interface RemoteSource {
  url: string;
  /** Folder-safe parts for the cache path, e.g. ['github.com', 'owner', 'repo']. */
  parts: string[];
  name: string;
}

const SCP_LIKE = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+?)(?:\.git)?\/?$/;
const SHORTHAND = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+?)(?:\.git)?$/;

/**
 * A source that names a remote repository: `https://…`, `ssh://…`, `file://…`, `git@host:owner/repo`,
 * or `owner/repo` (GitHub shorthand, only when no such local folder exists). Pure.
 */
export function parseRemoteSource(
  source: string,
  localExists: (p: string) => boolean,
): RemoteSource | undefined {
  if (/^(https?|ssh|git|file):\/\//i.test(source)) {
    const url = new URL(source);
    const segments = url.pathname.split('/').filter(Boolean);
    const last = (segments.at(-1) ?? 'repo').replace(/\.git$/, '');
    return {
      url: source,
      parts: [url.hostname || 'local', ...segments.slice(0, -1), last].map(safePart),
      name: last,
    };
  }
  const scp = SCP_LIKE.exec(source);
  if (scp && !localExists(source)) {
    const segments = scp[3]!.split('/').filter(Boolean);
    const last = segments.at(-1)!;
    return { url: source, parts: [scp[2]!, ...segments.slice(0, -1), last].map(safePart), name: last };
  }
  const short = SHORTHAND.exec(source);
  if (short && !localExists(source) && !source.startsWith('.')) {
    return {
      url: `https://github.com/${short[1]}/${short[2]}.git`,
      parts: ['github.com', short[1]!, short[2]!].map(safePart),
      name: short[2]!,
    };
  }
  return undefined;
}

function safePart(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}

/**
 * Clones into the cache on first use, fetches on later ones. Runs the host's git with the user's
 * whole environment (askpass helpers, SSH agents, GIT_SSH_COMMAND), so their own credentials
 * apply; never prompts.
 */
export async function cloneOrFetch(remote: RemoteSource, cacheRoot: string): Promise<string> {
  const dir = path.join(cacheRoot, 'repos', ...remote.parts);
  // Loaded here, not at the top: local launches (the common case) never clone.
  const { execa } = await import('execa');
  const run = (args: string[], cwd?: string) =>
    execa('git', args, { ...(cwd ? { cwd } : {}), env: { GIT_TERMINAL_PROMPT: '0' }, stdin: 'ignore' });
  try {
    if (existsSync(path.join(dir, '.git'))) {
      await run(['remote', 'set-url', 'origin', remote.url], dir);
      await run(['fetch', '--prune', '--quiet', 'origin'], dir);
      const head = await run(['symbolic-ref', '--short', 'refs/remotes/origin/HEAD'], dir).catch(
        () => undefined,
      );
      const remoteHead = head?.stdout.trim();
      if (remoteHead)
        await run(
          ['checkout', '--quiet', '--force', '-B', remoteHead.replace(/^origin\//, ''), remoteHead],
          dir,
        );
    } else {
      await mkdir(path.dirname(dir), { recursive: true });
      await run(['clone', '--quiet', remote.url, dir]);
    }
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new LaunchError(
      'CLONE_FAILED',
      `cannot clone ${remote.url}: ${firstLine(stderr || messageOf(error))}`,
      {
        hint: 'check the URL and that `git clone` of it works on this machine with your credentials',
        cause: error,
      },
    );
  }
  return dir;
}

function firstLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return (lines.find((l) => /fatal|error/i.test(l)) ?? lines[0] ?? text).replace(/^fatal:\s*/, '');
}
