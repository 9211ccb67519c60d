import { existsSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AuthLocation } from '../../agents/types.js';
import { cacheDir, defaultSecretsFile, type HostFacts } from '../../config/paths.js';
import { HOST_OBJECTS } from '../../container-paths.js';
import { LaunchError } from '../../errors.js';
import { cloneOrFetch, parseRemoteSource } from '../../git/clone.js';
import { type RepoFacts, readRepo } from '../../git/repo.js';
import { localSourcePath, pathHostOf } from '../host-paths.js';
import type { LaunchPlan } from '../plan.js';
import type { ProgressFn } from '../progress.js';

// What the launch reads from the host before it plans: the repo, the secrets file, the logins.

export async function resolveSource(
  value: string,
  host: HostFacts,
  progress: ProgressFn,
): Promise<{ repo: RepoFacts; source: { kind: 'local' | 'url'; value: string } }> {
  // Paths pasted from Windows or a WSL share become the folder to open (host-paths.ts).
  value = localSourcePath(value, pathHostOf(host));
  const remote = parseRemoteSource(value, (p) => existsSync(p));
  if (remote) {
    progress({ step: 'source', message: `fetching ${remote.url}`, state: 'start' });
    const dir = await cloneOrFetch(remote, cacheDir(host));
    progress({ step: 'source', message: `fetched ${remote.url}`, state: 'done' });
    const repo = await readRepo(dir);
    return {
      repo: { ...repo, name: remote.name, originUrl: remote.url },
      source: { kind: 'url', value: remote.url },
    };
  }
  const absolute = path.resolve(value);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) {
    throw new LaunchError('SOURCE_NOT_FOUND', `no such folder: ${value}`, {
      hint: 'pass a folder inside a git work tree, or a repository URL (https://…, git@host:owner/repo, gh:owner/repo)',
    });
  }
  if (!info.isDirectory()) {
    throw new LaunchError('SOURCE_NOT_FOUND', `not a folder: ${value}`, {
      hint: 'pass the repository folder',
    });
  }
  return { repo: await readRepo(absolute), source: { kind: 'local', value: absolute } };
}

export async function findSecretsFile(
  given: string | undefined,
  host: HostFacts,
): Promise<string | undefined> {
  if (given !== undefined) {
    const file = path.resolve(given);
    try {
      await access(file);
    } catch {
      throw new LaunchError('FILE_NOT_FOUND', `secrets file not found: ${given}`, {
        hint: '`launch-agent init` creates one with mode 0600; lines are KEY=VALUE',
      });
    }
    return file;
  }
  const file = defaultSecretsFile(host);
  return existsSync(file) ? file : undefined;
}

export async function existingAuth(locations: AuthLocation[]): Promise<AuthLocation[]> {
  const found = await Promise.all(
    locations.map(async (location) => {
      const info = await stat(location.hostPath).catch(() => undefined);
      const ok = info && (location.kind === 'dir' ? info.isDirectory() : info.isFile());
      return ok ? location : undefined;
    }),
  );
  return found.filter((l): l is AuthLocation => l !== undefined);
}

/**
 * Bind-mounted files keep their host owner and mode: a secrets file or login that only another
 * uid can read is invisible to the agent. Says which, so the user is not left guessing.
 */
export async function unreadableByAgent(plan: LaunchPlan): Promise<string[]> {
  const problems: string[] = [];
  for (const mount of plan.mounts) {
    if (
      mount.type !== 'bind' ||
      !mount.target.startsWith('/run/launch-agent/') ||
      mount.target === HOST_OBJECTS
    ) {
      continue;
    }
    const info = await stat(mount.source).catch(() => undefined);
    if (!info) continue;
    const { uid, gid } = plan.user;
    const readable =
      (info.uid === uid && info.mode & 0o400) || (info.gid === gid && info.mode & 0o040) || info.mode & 0o004;
    if (!readable) {
      problems.push(
        `${mount.source} belongs to uid ${info.uid} and is not readable by the agent (uid ${uid}): the agent will not see it; run launch-agent as that file's owner or make the repo and the file share an owner`,
      );
    }
  }
  return problems;
}
