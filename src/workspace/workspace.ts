import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { listSubmodules, listWorkTreeFiles, type RepoFacts } from '../git/repo.js';
import { containerGitConfig } from './git-config.js';
import type { OwnedTar } from './tar.js';

export interface WorkspaceOptions {
  repo: RepoFacts;
  branch: string;
  includeIgnored: boolean;
  /** Prefix inside the archive, e.g. `workspace` when extracting at `/`. */
  prefix: string;
  /** Called when the files are in and the git directory starts. */
  onGit?: () => void;
}

/**
 * Streams the work tree (tracked + untracked-not-ignored, optionally ignored) and the git
 * directory into `tar`, rewired: the new branch checked out at the host's HEAD with the index
 * as it is (so staged, modified, untracked and deleted work arrives unchanged), remote `local`
 * mirrored as refs/remotes/local/*.
 */
export async function addWorkspace(tar: OwnedTar, options: WorkspaceOptions): Promise<void> {
  const { repo, prefix } = options;
  await tar.dir(prefix);
  await addWorkTree(tar, repo.root, prefix, options.includeIgnored);
  options.onGit?.();
  await addGitDir(tar, repo, options.branch, `${prefix}/.git`);
}

async function addWorkTree(
  tar: OwnedTar,
  root: string,
  prefix: string,
  includeIgnored: boolean,
): Promise<void> {
  const [files, submodules] = await Promise.all([
    listWorkTreeFiles(root, { includeIgnored }),
    listSubmodules(root),
  ]);
  const subs = new Set(submodules);
  // Plain files go in batches so their reads overlap; a submodule interrupts the batch.
  let batch: Array<[string, string]> = [];
  for (const file of files) {
    const name = `${prefix}/${file}`;
    const host = path.join(root, file);
    if (!subs.has(file)) {
      batch.push([name, host]);
      continue;
    }
    await tar.hostPaths(batch);
    batch = [];
    // A checked-out submodule: its own file list, and its .git file (pointing into .git/modules).
    const hasWorkTree = await readFile(path.join(host, '.git')).then(
      () => true,
      (error: NodeJS.ErrnoException) => error.code === 'EISDIR',
    );
    if (hasWorkTree) {
      await tar.hostPath(`${name}/.git`, path.join(host, '.git'));
      await addWorkTree(tar, host, name, includeIgnored);
    } else {
      await tar.dir(name);
    }
  }
  await tar.hostPaths(batch);
}

/** Top-level entries of the common dir we never copy: other work trees' state and lock files. */
function skipInGitDir(relative: string): boolean {
  return relative === 'worktrees' || relative.endsWith('.lock') || relative === 'gc.pid';
}

async function addGitDir(tar: OwnedTar, repo: RepoFacts, branch: string, name: string): Promise<void> {
  const overridden = new Set(['HEAD', 'index', 'config', 'ORIG_HEAD', 'FETCH_HEAD', 'commondir', 'gitdir']);
  await tar.dir(name);
  const top = await readdir(repo.commonDir);
  const entries = top
    .sort()
    .filter((entry) => !overridden.has(entry) && !skipInGitDir(entry))
    .map((entry): [string, string] => [`${name}/${entry}`, path.join(repo.commonDir, entry)]);
  await tar.hostPaths(entries, { skip: (child) => child.endsWith('.lock') });
  // This work tree's own index (a linked worktree keeps it in its own git dir).
  await tar.hostPath(`${name}/index`, path.join(repo.gitDir, 'index'));
  const hostConfig = await readFile(path.join(repo.commonDir, 'config'), 'utf8').catch(() => '');
  await tar.file(
    `${name}/config`,
    containerGitConfig(hostConfig, { branch, userName: repo.userName, userEmail: repo.userEmail }),
  );
  await tar.file(`${name}/HEAD`, `ref: refs/heads/${branch}\n`);
  if (repo.head.commit) await tar.file(`${name}/refs/heads/${branch}`, `${repo.head.commit}\n`);
  for (const [localBranch, commit] of Object.entries(repo.branches)) {
    await tar.file(`${name}/refs/remotes/local/${localBranch}`, `${commit}\n`);
  }
}
