import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import { LaunchError, messageOf } from '../errors.js';

/** What the launch needs to know about a host repository. */
export interface RepoFacts {
  /** Top of the work tree (the repo root, even when launched from a subfolder). */
  root: string;
  /** The repo name, from the root folder (or the URL for cloned sources). */
  name: string;
  /** This work tree's git dir (differs from commonDir for linked worktrees). */
  gitDir: string;
  /** The shared git dir: objects, refs, config. */
  commonDir: string;
  head: { commit: string | undefined; branch: string | undefined };
  originUrl: string | undefined;
  userName: string | undefined;
  userEmail: string | undefined;
  /** Local branches, name -> commit, mirrored as refs/remotes/local/* inside. */
  branches: Record<string, string>;
  owner: { uid: number; gid: number };
}

export function git(dir: string): SimpleGit {
  return simpleGit({ baseDir: dir, trimmed: true });
}

/** Facts about the work tree containing `dir`; REPO_NOT_GIT when there is none. */
export async function readRepo(dir: string): Promise<RepoFacts> {
  const absolute = path.resolve(dir);
  // One round of git processes, all from `dir` (git finds the work tree from any folder in it).
  const repo = git(absolute);
  const quiet = (args: string[]) => repo.raw(args).catch(() => '');
  const [located, head, branch, refs, config] = await Promise.allSettled([
    repo.raw(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--git-common-dir']),
    quiet(['rev-parse', '--verify', '--quiet', 'HEAD']),
    quiet(['symbolic-ref', '--quiet', '--short', 'HEAD']),
    repo.raw(['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads']),
    quiet(['config', '--list', '-z']),
  ]);
  if (located.status === 'rejected') throw notARepo(dir, absolute, located.reason);
  if (refs.status === 'rejected') throw notARepo(dir, absolute, refs.reason);
  const info = located.value;
  const [root, gitDir, commonDir] = info.split('\n').map((line) => line.trim()) as [string, string, string];
  const rootStat = await stat(root);
  const settings = parseConfigList(config.status === 'fulfilled' ? config.value : '');
  const branches: Record<string, string> = {};
  for (const line of refs.value.split('\n')) {
    const [name, commit] = line.split(' ');
    if (name && commit) branches[name] = commit;
  }
  return {
    root,
    name: path.basename(root),
    gitDir,
    commonDir,
    head: {
      commit: (head.status === 'fulfilled' && head.value) || undefined,
      branch: (branch.status === 'fulfilled' && branch.value) || undefined,
    },
    originUrl: settings.get('remote.origin.url'),
    userName: settings.get('user.name'),
    userEmail: settings.get('user.email'),
    branches,
    owner: { uid: rootStat.uid, gid: rootStat.gid },
  };
}

function notARepo(dir: string, absolute: string, error: unknown): LaunchError {
  const message = messageOf(error);
  if (/not a git repository/i.test(message)) {
    return new LaunchError('REPO_NOT_GIT', `not a git repository: ${dir}`, {
      hint: 'run `git init` there, or pass a folder inside a git work tree or a repository URL',
    });
  }
  if (/dubious ownership/i.test(message)) {
    return new LaunchError('REPO_NOT_GIT', `git refuses to read ${dir}: it belongs to another user`, {
      hint: `if you trust it: git config --global --add safe.directory ${absolute}`,
    });
  }
  if (/must be run in a work tree|bare repository/i.test(message)) {
    return new LaunchError('REPO_NOT_GIT', `not a git work tree: ${dir}`, {
      hint: 'pass a folder inside a checked-out work tree, not a bare repository',
    });
  }
  return new LaunchError(
    'REPO_NOT_GIT',
    `cannot read the git repository at ${dir}: ${message.split('\n')[0]}`,
    {
      hint: 'check that git works there (`git status`)',
      cause: error,
    },
  );
}

function parseConfigList(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const entry of text.split('\0')) {
    const newline = entry.indexOf('\n');
    if (newline < 0) continue;
    settings.set(entry.slice(0, newline).toLowerCase(), entry.slice(newline + 1));
  }
  return settings;
}

/** Paths (relative to `root`) that make up the copy: tracked + untracked-not-ignored, optionally ignored too. */
export async function listWorkTreeFiles(
  root: string,
  options: { includeIgnored: boolean },
): Promise<string[]> {
  const repo = git(root);
  const listed = await repo.raw(['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  const files = splitZ(listed);
  if (options.includeIgnored) {
    files.push(
      ...splitZ(
        await repo.raw(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']),
      ),
    );
  }
  return [...new Set(files.map((f) => f.replace(/\/$/, '')))];
}

/** Submodule paths checked out on the host (gitlinks whose folder holds a work tree). */
export async function listSubmodules(root: string): Promise<string[]> {
  const stage = await git(root).raw(['ls-files', '-z', '--stage']);
  return splitZ(stage)
    .filter((line) => line.startsWith('160000 '))
    .map((line) => line.slice(line.indexOf('\t') + 1));
}

function splitZ(text: string): string[] {
  return text.split('\0').filter((s) => s !== '');
}
