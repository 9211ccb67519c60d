import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  busyBranches,
  casUpdateRef,
  dropSessionRefs,
  listRefs,
  pinSession,
  withRepoLock,
} from '../../../src/git/host-gate.js';

/** The host side of the way back, on real repos: what a session pins, what git would refuse to move. */
let dir: string;
let repo: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'safe.directory=*', ...args], { cwd, encoding: 'utf8' }).trim();
const gitDir = () => path.join(repo, '.git');

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'la-host-gate-'));
  repo = path.join(dir, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git(repo, 'config', 'user.name', 'Dev');
  git(repo, 'config', 'user.email', 'dev@example.com');
  writeFileSync(path.join(repo, 'a.txt'), 'one\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'one');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('pinSession', () => {
  it('keeps the staged work and every branch tip a session borrows through a gc --prune=now', async () => {
    git(repo, 'checkout', '-q', '-b', 'side');
    writeFileSync(path.join(repo, 'side.txt'), 'side\n');
    git(repo, 'add', 'side.txt');
    git(repo, 'commit', '-q', '-m', 'side');
    const sideTip = git(repo, 'rev-parse', 'side');
    git(repo, 'checkout', '-q', 'main');
    writeFileSync(path.join(repo, 'staged.txt'), 'only in the index\n');
    git(repo, 'add', 'staged.txt');
    const blob = git(repo, 'rev-parse', ':staged.txt');

    const pin = await pinSession({ commonDir: gitDir(), gitDir: gitDir() }, 'claude-repo-x', [
      git(repo, 'rev-parse', 'HEAD'),
      sideTip,
    ]);
    expect(pin).toBeDefined();
    // The host drops the branch and the staged file, then prunes everything unreachable.
    git(repo, 'branch', '-D', 'side');
    git(repo, 'rm', '-q', '--cached', 'staged.txt');
    git(repo, 'reflog', 'expire', '--expire=now', '--all');
    git(repo, 'gc', '-q', '--prune=now');
    expect(git(repo, 'cat-file', '-t', blob)).toBe('blob');
    expect(git(repo, 'cat-file', '-t', sideTip)).toBe('commit');
    // The host's own index was only read.
    expect(git(repo, 'status', '--porcelain')).toBe('?? staged.txt');

    await dropSessionRefs(gitDir(), 'claude-repo-x');
    expect((await listRefs(gitDir(), 'refs/launch-agent/')).size).toBe(0);
  });

  it('pins HEAD even when the index is mid-merge (no tree can be written)', async () => {
    git(repo, 'checkout', '-q', '-b', 'other');
    writeFileSync(path.join(repo, 'a.txt'), 'other\n');
    git(repo, 'commit', '-q', '-am', 'other');
    git(repo, 'checkout', '-q', 'main');
    writeFileSync(path.join(repo, 'a.txt'), 'main\n');
    git(repo, 'commit', '-q', '-am', 'main');
    expect(() => git(repo, 'merge', '-q', 'other')).toThrow();
    const head = git(repo, 'rev-parse', 'HEAD');
    const pin = await pinSession({ commonDir: gitDir(), gitDir: gitDir() }, 's', [head]);
    expect(git(repo, 'rev-parse', `${pin}^1`)).toBe(head);
  });
});

describe('busyBranches', () => {
  it('names branches checked out in any worktree and one being rebased', () => {
    git(repo, 'branch', 'claude/wt');
    git(repo, 'worktree', 'add', '-q', path.join(dir, 'wt'), 'claude/wt');
    git(repo, 'checkout', '-q', '-b', 'claude/rebasing');
    writeFileSync(path.join(repo, 'a.txt'), 'rebasing\n');
    git(repo, 'commit', '-q', '-am', 'r');
    git(repo, 'checkout', '-q', 'main');
    writeFileSync(path.join(repo, 'a.txt'), 'conflict\n');
    git(repo, 'commit', '-q', '-am', 'c');
    git(repo, 'checkout', '-q', 'claude/rebasing');
    expect(() => git(repo, 'rebase', 'main')).toThrow();
    return busyBranches(gitDir()).then((busy) => {
      expect([...busy].sort()).toEqual(['refs/heads/claude/rebasing', 'refs/heads/claude/wt']);
    });
  });
});

describe('withRepoLock', () => {
  it('runs syncs of one repo one after another, and takes over a dead holder', async () => {
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(`${name} in`);
      await new Promise((r) => setTimeout(r, 100));
      order.push(`${name} out`);
    };
    await Promise.all([withRepoLock(gitDir(), task('a')), withRepoLock(gitDir(), task('b'))]);
    expect(order.join(',')).toMatch(/^(a in,a out,b in,b out|b in,b out,a in,a out)$/);

    // A lock left by a process that is gone does not hold anyone up.
    const key = createHash('sha256').update(path.resolve(gitDir())).digest('hex').slice(0, 16);
    writeFileSync(path.join(os.tmpdir(), 'launch-agent-locks', `sync-${key}.lock`), '999999999\n');
    const started = Date.now();
    expect(await withRepoLock(gitDir(), async () => 'ran')).toBe('ran');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('casUpdateRef', () => {
  it('moves a ref only from the tip it expects, with a reflog entry', async () => {
    const one = git(repo, 'rev-parse', 'HEAD');
    const zero = '0'.repeat(40);
    expect((await casUpdateRef(gitDir(), 'refs/heads/claude/x', one, zero, 'launch-agent: test')).code).toBe(
      0,
    );
    // Created meanwhile by someone else: a second create fails, nothing moves.
    expect((await casUpdateRef(gitDir(), 'refs/heads/claude/x', one, zero, 'again')).code).not.toBe(0);
    expect(git(repo, 'reflog', '--format=%gs', 'claude/x')).toBe('launch-agent: test');
  });
});
