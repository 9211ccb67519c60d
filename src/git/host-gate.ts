import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmod,
  chown,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { processAlive } from '../util/process.js';

/**
 * Host-side git for the way back: the session's refs in the host repo, and the fetch from a
 * session's gate. Plain child processes, not simple-git: its argument filter refuses the `ext::`
 * transport and `protocol.ext.allow`, which the fetch needs (the transport is our own command).
 *
 * Every call runs git on the host repo's common dir with the user's own config (nothing of it is
 * writable from a container any more) and without GIT_* variables that would point it elsewhere.
 */

/** Refs in the host repo that belong to the launcher, one folder per session. */
export const SESSION_REFS = 'refs/launch-agent';

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

const REDIRECTING = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_COMMON_DIR',
];

export async function hostGit(
  gitDir: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<GitRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: '0' };
  for (const key of REDIRECTING) if (!options.env?.[key]) delete env[key];
  const owner = await repoOwner(gitDir);
  if (owner.home !== undefined) env.HOME = owner.home;
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitDir, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(owner.uid === undefined ? {} : { uid: owner.uid, gid: owner.gid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/**
 * What lands is the repo owner's: run by root (sudo, CI) on someone else's repo, git runs as
 * that owner (with the owner's home), so no root-owned object or ref file is left in their repo.
 */
export function repoOwner(gitDir: string): Promise<RepoOwner> {
  let known = owners.get(gitDir);
  if (!known) {
    known = findOwner(gitDir);
    owners.set(gitDir, known);
    // Only another user's repo is remembered (a repo not there yet is asked again).
    void known.then((found) => found.uid === undefined && owners.delete(gitDir));
  }
  return known;
}

type RepoOwner = { uid?: number; gid?: number; home?: string };
/** A sync runs a dozen git commands on one repo: its owner is looked up once per process. */
const owners = new Map<string, Promise<RepoOwner>>();

async function findOwner(gitDir: string): Promise<RepoOwner> {
  if (process.getuid?.() !== 0) return {};
  const info = await stat(gitDir).catch(() => undefined);
  if (!info || info.uid === 0) return {};
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const entry = passwd.split('\n').find((line) => line.split(':')[2] === String(info.uid));
  return { uid: info.uid, gid: info.gid, home: entry?.split(':')[5] || tmpdir() };
}

async function must(
  gitDir: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const run = await hostGit(gitDir, args, options);
  if (run.code !== 0) {
    throw new Error(`git ${args[0]} failed: ${run.stderr.trim().split('\n').at(-1) ?? `exit ${run.code}`}`);
  }
  return run.stdout;
}

/**
 * Pins what a session borrows from the host's objects: one commit whose tree is the index the
 * session starts from (staged work included) and whose parents are HEAD and every branch tip the
 * session mirrors. While `refs/launch-agent/<session>/base` names it, no gc on the host can
 * prune an object the workspace reads through its alternates. Returns the pin's commit.
 */
export async function pinSession(
  repo: { commonDir: string; gitDir: string },
  session: string,
  tips: string[],
): Promise<string | undefined> {
  const { commonDir } = repo;
  await dropSessionRefs(commonDir, session);
  const parents = [...new Set(tips)];
  if (parents.length === 0) return undefined;
  // write-tree on a copy: git may refresh the index it reads, and the host's is not ours to touch.
  const scratch = await mkdtemp(path.join(tmpdir(), 'launch-agent-pin-'));
  const owner = await repoOwner(commonDir);
  if (owner.uid !== undefined) await chown(scratch, owner.uid, owner.gid ?? owner.uid);
  try {
    const index = path.join(scratch, 'index');
    const hasIndex = await copyFile(path.join(repo.gitDir, 'index'), index).then(
      async () => {
        if (owner.uid !== undefined) await chown(index, owner.uid, owner.gid ?? owner.uid);
        return true;
      },
      () => false,
    );
    let tree: string;
    if (hasIndex) {
      const written = await hostGit(commonDir, ['write-tree'], { env: { GIT_INDEX_FILE: index } });
      // An index in the middle of a merge has no tree: the branch tips still pin the history.
      tree = written.code === 0 ? written.stdout.trim() : await emptyTree(commonDir);
    } else {
      tree = await emptyTree(commonDir);
    }
    const commit = (
      await must(
        commonDir,
        ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', `launch-agent: session ${session}`],
        { env: PIN_IDENTITY },
      )
    ).trim();
    await must(commonDir, [
      'update-ref',
      '-m',
      `launch-agent: ${session} started`,
      `${SESSION_REFS}/${session}/base`,
      commit,
    ]);
    return commit;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The launch finished: `refs/launch-agent/<session>/ready` (a small blob). A workspace volume
 * whose container is gone is a leftover of an unfinished launch only without it.
 */
export async function markSessionReady(commonDir: string, session: string): Promise<void> {
  const note = `launch-agent: ${session} ready ${new Date().toISOString()}\n`;
  const blob = (await must(commonDir, ['hash-object', '-w', '--stdin'], { input: note })).trim();
  await must(commonDir, ['update-ref', `${SESSION_REFS}/${session}/ready`, blob]);
}

/** undefined when the repo cannot be read (moved, deleted): then nobody can tell. */
export async function isSessionReady(commonDir: string, session: string): Promise<boolean | undefined> {
  const run = await hostGit(commonDir, ['rev-parse', '-q', '--verify', `${SESSION_REFS}/${session}/ready`]);
  return run.code === 0 ? true : run.code === 1 ? false : undefined;
}

/** The git common dir of the repo `cwd` is in, if any (where `prune` looks for refs left behind). */
export async function commonDirOf(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 && out.trim() ? out.trim() : undefined));
  });
}

/** commit-tree needs an identity; the pin is the launcher's, not the user's. */
const PIN_IDENTITY = {
  GIT_AUTHOR_NAME: 'launch-agent',
  GIT_AUTHOR_EMAIL: 'launch-agent@localhost',
  GIT_COMMITTER_NAME: 'launch-agent',
  GIT_COMMITTER_EMAIL: 'launch-agent@localhost',
};

async function emptyTree(commonDir: string): Promise<string> {
  return (await must(commonDir, ['hash-object', '-t', 'tree', '-w', '--stdin'], { input: '' })).trim();
}

/**
 * Runs `fn` while holding the repo's sync lock: the watcher, `sync` and `rm` of any process take
 * turns, so two of them never decide about the same branch from a stale view. The lock is a file
 * in the temp folder named after the repo (nothing is added to the user's git dir); one whose
 * holder died, or older than two minutes, is taken over.
 */
export async function withRepoLock<T>(commonDir: string, fn: () => Promise<T>): Promise<T> {
  const dir = path.join(tmpdir(), 'launch-agent-locks');
  await mkdir(dir, { recursive: true });
  // Shared by every user, like /tmp itself (fails harmlessly when another user made it).
  await chmod(dir, 0o1777).catch(() => undefined);
  const key = createHash('sha256').update(path.resolve(commonDir)).digest('hex').slice(0, 16);
  const lock = path.join(dir, `sync-${key}.lock`);
  const started = Date.now();
  for (;;) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const [holder, info] = await Promise.all([
      readFile(lock, 'utf8').catch(() => ''),
      stat(lock).catch(() => undefined),
    ]);
    const stale = !info || Date.now() - info.mtimeMs > 120_000 || !processAlive(Number(holder.trim()));
    if (stale) {
      await rm(lock, { force: true });
      continue;
    }
    if (Date.now() - started > 60_000) throw new Error(`another sync of ${commonDir} holds ${lock}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

/** Removes every ref of a session (its pin, landed marks, fetched gate tips). */
export async function dropSessionRefs(commonDir: string, session: string): Promise<void> {
  const refs = await listRefs(commonDir, `${SESSION_REFS}/${session}/`);
  if (refs.size === 0) return;
  const input = [...refs.keys()].map((ref) => `delete ${ref}\n`).join('');
  await must(commonDir, ['update-ref', '--stdin'], { input });
}

/** `ref -> commit` for refs under `prefix` (ending in `/`). */
export async function listRefs(commonDir: string, prefix: string): Promise<Map<string, string>> {
  const out = await must(commonDir, ['for-each-ref', '--format=%(objectname) %(refname)', prefix]);
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

/**
 * Branches git itself would refuse to move under a work tree: checked out in any worktree of the
 * repo, or being rebased or bisected there.
 */
export async function busyBranches(commonDir: string): Promise<Set<string>> {
  const busy = new Set<string>();
  const listed = await hostGit(commonDir, ['worktree', 'list', '--porcelain']);
  const gitDirs = [commonDir];
  for (const line of listed.stdout.split('\n')) {
    if (line.startsWith('branch ')) busy.add(line.slice('branch '.length));
  }
  const worktrees = await hostGit(commonDir, ['rev-parse', '--git-path', 'worktrees']);
  const folder = path.resolve(commonDir, worktrees.stdout.trim() || 'worktrees');
  for (const name of await readdir(folder).catch(() => [] as string[])) gitDirs.push(path.join(folder, name));
  for (const dir of gitDirs) {
    for (const file of ['rebase-merge/head-name', 'rebase-apply/head-name', 'BISECT_START']) {
      const text = (await readFile(path.join(dir, file), 'utf8').catch(() => '')).trim();
      if (text.startsWith('refs/heads/')) busy.add(text);
      else if (text && file === 'BISECT_START') busy.add(`refs/heads/${text}`);
    }
  }
  return busy;
}

/** A commit (or any object) the host repo has. */
export async function hasObject(commonDir: string, sha: string): Promise<boolean> {
  return (await hostGit(commonDir, ['cat-file', '-e', `${sha}^{commit}`])).code === 0;
}

/** Whether `ancestor` is reachable from `descendant`. */
export async function isAncestor(commonDir: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await hostGit(commonDir, ['merge-base', '--is-ancestor', ancestor, descendant])).code === 0;
}

/**
 * Fetches `refspecs` from a gate through `transport` (an `ext::` URL whose command speaks to the
 * gate's `git upload-pack`), every received object checked, no tags, no hooks of the gate's.
 */
export async function fetchFromGate(
  commonDir: string,
  transport: string,
  refspecs: string[],
): Promise<GitRun> {
  return hostGit(commonDir, [
    '-c',
    'protocol.ext.allow=always',
    '-c',
    'transfer.fsckObjects=true',
    '-c',
    'fetch.fsckObjects=true',
    // The gate tells git nothing to run: its hooks and config stay in the container.
    'fetch',
    '--no-tags',
    '--no-write-fetch-head',
    '--no-auto-gc',
    '--no-recurse-submodules',
    '--quiet',
    transport,
    ...refspecs,
  ]);
}

/** Moves `ref` to `next` only if it is still at `expected` (40 zeros: must not exist yet), with a reflog entry. */
export async function casUpdateRef(
  commonDir: string,
  ref: string,
  next: string,
  expected: string,
  message: string,
): Promise<GitRun> {
  return hostGit(commonDir, ['update-ref', '--create-reflog', '-m', message, ref, next, expected]);
}
