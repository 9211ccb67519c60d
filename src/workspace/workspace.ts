import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { HOST_OBJECTS } from '../container-paths.js';
import { listSubmodules, listWorkTreeFiles, type RepoFacts } from '../git/repo.js';
import { type GateFile, hostKnownRefs, planGate } from './gate.js';
import { containerGitConfig } from './git-config.js';
import type { OwnedTar } from './tar.js';

export interface WorkspaceOptions {
  repo: RepoFacts;
  git: GitDirOptions;
  /** What to copy from the work tree (listWorkTree). */
  entries: WorkTreeEntry[];
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
  // Plain paths go in batches so their reads overlap; an empty folder interrupts the batch.
  let batch: Array<[string, string]> = [];
  for (const entry of options.entries) {
    const name = `${prefix}/${entry.path}`;
    if (!entry.emptyDir) {
      batch.push([name, path.join(repo.root, entry.path)]);
      continue;
    }
    await tar.hostPaths(batch);
    batch = [];
    await tar.dir(name);
  }
  await tar.hostPaths(batch);
  options.onGit?.();
  const git = await planGitDir(repo, options.git);
  const name = `${prefix}/.git`;
  await tar.dir(name);
  await tar.hostPaths(
    git.copy.map((entry): [string, string] => [`${name}/${entry}`, path.join(repo.commonDir, entry)]),
    { skip: (child) => child.endsWith('.lock') || child === `${name}/${LOCAL_REMOTE_REFS}` },
  );
  await tar.hostPath(`${name}/index`, path.join(repo.commonDir, git.index));
  for (const dir of git.dirs) await tar.dir(`${name}/${dir}`);
  for (const file of git.files) await tar.file(`${name}/${file.path}`, file.content, file.mode);
}

/** A work-tree path to copy as it is, or an empty folder (a submodule that is not checked out). */
export interface WorkTreeEntry {
  path: string;
  emptyDir?: true;
}

/**
 * What a copy of the work tree holds, relative to `root`: tracked + untracked-not-ignored paths
 * (ignored ones too with `includeIgnored`), checked-out submodules flattened in place (their
 * `.git` file, then their own list). Paths deleted in the work tree are still listed: copies
 * skip them, so they stay deleted.
 */
export async function listWorkTree(
  root: string,
  includeIgnored: boolean,
  prefix = '',
): Promise<WorkTreeEntry[]> {
  const [files, submodules] = await Promise.all([
    listWorkTreeFiles(root, { includeIgnored }),
    listSubmodules(root),
  ]);
  const subs = new Set(submodules);
  const entries: WorkTreeEntry[] = [];
  for (const file of files) {
    const at = `${prefix}${file}`;
    if (!subs.has(file)) {
      entries.push({ path: at });
      continue;
    }
    // A checked-out submodule: its .git file (pointing into .git/modules), then its own list.
    const host = path.join(root, file);
    const hasWorkTree = await readFile(path.join(host, '.git')).then(
      () => true,
      (error: NodeJS.ErrnoException) => error.code === 'EISDIR',
    );
    if (hasWorkTree) {
      entries.push({ path: `${at}/.git` });
      entries.push(...(await listWorkTree(host, includeIgnored, `${at}/`)));
    } else {
      entries.push({ path: at, emptyDir: true });
    }
  }
  return entries;
}

/** The workspace's git directory: what is copied from the host's, and what is written anew. */
export interface GitDirPlan {
  /** Top-level entries of the host's common dir copied as they are (lock files inside skipped). */
  copy: string[];
  /** This work tree's index, relative to the common dir (a linked worktree keeps its own). */
  index: string;
  /** Written over the copy, relative to `.git`: config, HEAD, the new branch, refs, the gate. */
  files: GateFile[];
  /** Empty folders to make, relative to `.git`. */
  dirs: string[];
}

export interface GitDirOptions {
  agent: string;
  branch: string;
  /** Borrow the host's objects (mounted read-only at HOST_OBJECTS) instead of copying them. */
  shareObjects: boolean;
  /** The keeper's line marker (the gate's post-receive hook writes to the keeper's stdout). */
  keeperMark: string;
}

/** The refs under refs/remotes/local/ are ours to write (see planGitDir). */
export const LOCAL_REMOTE_REFS = 'refs/remotes/local';

function withoutLocalRemote(packedRefs: string): string {
  const ours = (line: string | undefined) => line?.includes(` ${LOCAL_REMOTE_REFS}/`) ?? false;
  const lines = packedRefs.split('\n');
  // A `^<peeled>` line belongs to the ref above it, and goes with it.
  const kept = lines.filter((line, i) => !ours(line) && !(line.startsWith('^') && ours(lines[i - 1])));
  return kept.join('\n');
}

/**
 * Top-level entries of the common dir we never copy: ours to write (packed-refs only filtered),
 * other work trees' state, a running gc's pid, and (by name) lock files.
 */
const NOT_COPIED = new Set([
  'HEAD',
  'index',
  'config',
  'packed-refs',
  'ORIG_HEAD',
  'FETCH_HEAD',
  'commondir',
  'gitdir',
  'worktrees',
  'gc.pid',
]);

function copiedFromGitDir(entry: string): boolean {
  return !NOT_COPIED.has(entry) && !entry.endsWith('.lock');
}

/**
 * Rewired: the new branch checked out at the host's HEAD with the index as it is (so staged,
 * modified, untracked and deleted work arrives unchanged), remote `local` mirrored as
 * refs/remotes/local/*.
 */
export async function planGitDir(repo: RepoFacts, options: GitDirOptions): Promise<GitDirPlan> {
  const { branch } = options;
  const [top, hostConfig, packedRefs, shallow] = await Promise.all([
    readdir(repo.commonDir),
    readFile(path.join(repo.commonDir, 'config'), 'utf8').catch(() => ''),
    readFile(path.join(repo.commonDir, 'packed-refs'), 'utf8').catch(() => undefined),
    readFile(path.join(repo.commonDir, 'shallow'), 'utf8').catch(() => undefined),
  ]);
  const files: GateFile[] = [
    {
      path: 'config',
      content: containerGitConfig(hostConfig, { branch, userName: repo.userName, userEmail: repo.userEmail }),
    },
    { path: 'HEAD', content: `ref: refs/heads/${branch}\n` },
  ];
  if (repo.head.commit) files.push({ path: `refs/heads/${branch}`, content: `${repo.head.commit}\n` });
  for (const [localBranch, commit] of Object.entries(repo.branches)) {
    files.push({ path: `${LOCAL_REMOTE_REFS}/${localBranch}`, content: `${commit}\n` });
  }
  files.push(...hostKnownRefs(repo.head.commit, repo.branches));
  // A host remote named `local` is replaced by ours: none of its refs come along, packed or not.
  if (packedRefs !== undefined) files.push({ path: 'packed-refs', content: withoutLocalRemote(packedRefs) });
  const dirs: string[] = [];
  if (options.shareObjects) {
    // History is borrowed, not copied: new objects the agent makes stay in the workspace.
    files.push({ path: 'objects/info/alternates', content: `${HOST_OBJECTS}\n` });
    dirs.push('objects/pack');
  }
  const gate = planGate({
    agent: options.agent,
    branch,
    hostBranches: repo.branches,
    shallow,
    keeperMark: options.keeperMark,
  });
  files.push(...gate.files);
  dirs.push(...gate.dirs);
  return {
    copy: top
      .sort()
      .filter((entry) => copiedFromGitDir(entry) && !(options.shareObjects && entry === 'objects')),
    index: path.join(path.relative(repo.commonDir, repo.gitDir), 'index'),
    files,
    dirs,
  };
}
