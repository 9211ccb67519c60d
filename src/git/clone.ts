import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { LaunchError, messageOf } from '../errors.js';

export interface RemoteSource {
  url: string;
  /** Folder-safe parts for the cache path, e.g. ['github.com', 'owner', 'repo']. */
  parts: string[];
  name: string;
}

// `user@host:path`, or `host.name:path` (a dot in the host): never a bare `word:word`.
const SCP_LIKE =
  /^(?:([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+)|([A-Za-z0-9-]+\.[A-Za-z0-9.-]+)):(?!\/\/)(.+?)(?:\.git)?\/?$/;
/** GitHub shorthand, written so it cannot be a typo'd path: `gh:owner/repo` or `github.com/owner/repo`. */
const GITHUB_SHORTHAND =
  /^(?:gh:|(?:www\.)?github\.com\/)([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/;
/** The shape that was GitHub shorthand before: now a path, and the error for a missing one says how to write it. */
export const BARE_OWNER_REPO = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+?)(?:\.git)?$/;

/**
 * A source that names a remote repository: `https://…`, `ssh://…`, `git://…`, `file://…`,
 * `git@host:owner/repo`, `gh:owner/repo` or `github.com/owner/repo`, each only when no such local
 * path exists. A bare `owner/repo` is a path (see BARE_OWNER_REPO). Pure.
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
  if (localExists(source)) return undefined;
  const github = GITHUB_SHORTHAND.exec(source);
  if (github) {
    return {
      url: `https://github.com/${github[1]}/${github[2]}.git`,
      parts: ['github.com', github[1]!, github[2]!].map(safePart),
      name: github[2]!,
    };
  }
  const scp = SCP_LIKE.exec(source);
  if (scp) {
    const host = (scp[2] ?? scp[3])!;
    const segments = scp[4]!.split('/').filter(Boolean);
    const last = segments.at(-1)!;
    return { url: source, parts: [host, ...segments.slice(0, -1), last].map(safePart), name: last };
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
  let created: string | undefined;
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
      // The first folder mkdir made: a failed clone removes it, so the cache keeps nothing of it.
      created = (await mkdir(path.dirname(dir), { recursive: true })) ?? dir;
      await run(['clone', '--quiet', remote.url, dir]);
    }
  } catch (error) {
    if (created) await rm(created, { recursive: true, force: true });
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
