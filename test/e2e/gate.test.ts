import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import {
  docker,
  dockerExec,
  FIXTURE_UID,
  type Fixture,
  type Launched,
  launchEnv,
  makeFixture,
  ownerGit,
  removeContainer,
} from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';

/**
 * The way back, attacked from inside a real container as a hostile agent would: nothing of the
 * host repo is writable, and only the agent's own branches land, through the host's own fetch.
 */

interface SyncJson {
  name: string;
  repo: string;
  branches: Array<{ branch: string; commit: string; status: string; reason?: string; forced?: boolean }>;
  error?: string;
}

/** Every ref of the host repo but the agent's own branches and the launcher's session refs. */
function protectedRefs(repo: string): string {
  return ownerGit(repo, 'for-each-ref', '--format=%(objectname) %(refname)')
    .split('\n')
    .filter((line) => !/ refs\/heads\/claude\//.test(line) && !/ refs\/launch-agent\//.test(line))
    .join('\n');
}

/** Host files an attacker would aim at: hooks, config, HEAD, main's reflog, a shell rc file. */
function hostFiles(fixture: Fixture): Record<string, string> {
  const git = path.join(fixture.repo, '.git');
  const files = ['config', 'HEAD', 'logs/HEAD', 'logs/refs/heads/main', 'index'];
  const out: Record<string, string> = {};
  for (const file of files) out[file] = readFileSync(path.join(git, file), 'utf8');
  out.hooks = execFileSync('ls', ['-l', '--full-time', path.join(git, 'hooks')], { encoding: 'utf8' });
  out.bashrc = readFileSync(path.join(fixture.home, '.bashrc'), 'utf8');
  return out;
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return { value, ms: performance.now() - start };
    if (performance.now() - start > timeoutMs) throw new Error(`nothing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function hostBranch(repo: string, branch: string): string | undefined {
  try {
    return ownerGit(repo, 'rev-parse', '--verify', '-q', `refs/heads/${branch}`);
  } catch {
    return undefined;
  }
}

describe('the gate (the way back)', () => {
  let fixture: Fixture;
  let launched: Launched;
  let env: NodeJS.ProcessEnv;
  let refsBefore: string;
  let filesBefore: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, { env });

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`gate-${Date.now().toString(36)}`);
    writeFileSync(path.join(fixture.home, '.bashrc'), '# the user shell rc\n');
    execFileSync('chown', [`${FIXTURE_UID}:${FIXTURE_UID}`, path.join(fixture.home, '.bashrc')]);
    // This file's own watcher (others on the engine may run beside it: any of them lands pushes).
    env = { ...launchEnv(fixture), LAUNCH_AGENT_RUNTIME_DIR: path.join(fixture.dir, 'run') };
    const result = await cli(fixture.repo, '--agent', 'claude', '-b', 'feat', '--detach', '--json');
    expect(result.code, result.stderr).toBe(0);
    launched = parseJson<Launched>(result);
    refsBefore = protectedRefs(fixture.repo);
    filesBefore = hostFiles(fixture);
  });

  afterAll(() => {
    if (launched && docker('ps', '-aq', '--filter', `name=^${launched.name}$`))
      removeContainer(launched.name);
    fixture?.cleanup();
  });

  it('mounts nothing of the host repo writable; its history is borrowed read-only', () => {
    expect(launched.remotes.local).toBe('/workspace/.git/launch-agent-gate');
    expect(launched.copied.history).toBe('shared');
    const mounts = JSON.parse(docker('inspect', '--format', '{{json .Mounts}}', launched.name)) as Array<{
      Type: string;
      Source: string;
      Destination: string;
      RW: boolean;
    }>;
    const host = mounts.filter((m) => m.Type === 'bind' && m.Source.startsWith(fixture.repo));
    expect(host.map((m) => [m.Destination, m.RW])).toEqual([['/run/launch-agent/host-objects', false]]);
    expect(dockerExec(launched.name, 'cat .git/objects/info/alternates')).toBe(
      '/run/launch-agent/host-objects',
    );
    // No pack of the host's history was copied: the workspace holds the files, not the history.
    expect(dockerExec(launched.name, 'find .git/objects -type f -name "*.pack" | wc -l')).toBe('0');
    expect(dockerExec(launched.name, 'git log --oneline | wc -l')).toBe('2');
  });

  it('cannot write, delete, chmod or symlink anything of the host repo, even as root in the container', () => {
    const attempts = [
      'touch /run/launch-agent/host-objects/planted',
      'f=$(find /run/launch-agent/host-objects -type f | head -n 1) && [ -n "$f" ] && rm -f "$f"',
      'chmod -R u+w /run/launch-agent/host-objects',
      'ln -s /home/agent/.bashrc /run/launch-agent/host-objects/info/link',
      'mkdir -p /run/launch-agent/host-objects/ff && echo x > /run/launch-agent/host-objects/ff/0000',
    ];
    for (const who of ['agent', 'root']) {
      const user = who === 'root' ? ['-u', '0'] : [];
      const out = execFileSync(
        'docker',
        [
          'exec',
          ...user,
          launched.name,
          'sh',
          '-c',
          `${attempts.map((a) => `(${a}) 2>/dev/null && echo "did: ${a}"`).join('; ')}; echo done`,
        ],
        { encoding: 'utf8' },
      ).trim();
      expect(out, who).toBe('done');
    }
    expect(ownerGit(fixture.repo, 'fsck', '--no-progress', '--no-dangling')).toBe('');
  });

  it('lands the agent branch in the host repo with no host command, and says so in the push', async () => {
    const start = performance.now();
    const push = dockerExec(
      launched.name,
      'echo agent > agent.txt && git add agent.txt && git commit -q -m "agent commit" && git push 2>&1',
    );
    const commit = dockerExec(launched.name, 'git rev-parse HEAD');
    const landed = await waitFor(
      () => (hostBranch(fixture.repo, 'claude/feat') === commit ? true : undefined),
      10_000,
    );
    const ms = performance.now() - start;
    console.log(`gate: pushed branch in the host repo ${Math.round(ms)} ms after the push began`);
    expect(landed.value).toBe(true);
    // "landed", or "is in" when another watcher or a sync landed it a moment earlier.
    expect(push).toMatch(new RegExp(`claude/feat (landed|is) in ${fixture.repo}`));
    // What landed is the repo owner's, and the host's checkout is untouched.
    const notOwned = execFileSync(
      'find',
      [path.join(fixture.repo, '.git'), '!', '-user', String(FIXTURE_UID)],
      {
        encoding: 'utf8',
      },
    ).trim();
    expect(notOwned).toBe('');
    expect(ownerGit(fixture.repo, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    // list: nothing ahead of the host now.
    const list = parseJson<Array<{ name: string; ahead: number }>>(await cli('list', '--json'));
    expect(list.find((s) => s.name === launched.name)?.ahead).toBe(0);
  });

  it('never lands main, tags, notes or refs/replace, even with the gate hooks removed', async () => {
    const out = dockerExec(
      launched.name,
      [
        'git push local HEAD:main 2>&1 | grep -c "refused refs/heads/main" || true',
        'rm -f .git/launch-agent-gate/hooks/*',
        'git tag -f evil HEAD',
        'git notes add -f -m evil HEAD',
        'git push -q -f local HEAD:refs/heads/main HEAD:refs/heads/other evil "refs/replace/$(git rev-parse HEAD~1):refs/replace/$(git rev-parse HEAD~1)" refs/notes/commits 2>&1 || true',
        'git replace -f HEAD~1 HEAD && git push -q -f local refs/replace/*:refs/replace/* 2>&1 || true',
      ].join('; '),
    );
    expect(out.split('\n')[0]).toBe('1');
    const sync = parseJson<SyncJson[]>(await cli('sync', launched.name, '--json'));
    expect(sync[0]?.error).toBeUndefined();
    expect(sync[0]?.branches.map((b) => b.branch)).toEqual(['claude/feat']);
    expect(protectedRefs(fixture.repo)).toBe(refsBefore);
    expect(ownerGit(fixture.repo, 'for-each-ref', 'refs/replace', 'refs/notes', 'refs/tags')).toBe('');
    expect(ownerGit(fixture.repo, 'fsck', '--no-progress', '--no-dangling')).toBe('');
  });

  it('checks what it fetches: a corrupt object never reaches the host', async () => {
    // A commit without an author, written straight into the gate (no hook can stop that).
    dockerExec(
      launched.name,
      [
        'cd .git/launch-agent-gate',
        'tree=$(git rev-parse HEAD^{tree} 2>/dev/null || git -C /workspace rev-parse HEAD^{tree})',
        `bad=$(printf 'tree %s\\ncommitter x <x> 1 +0000\\n\\nno author\\n' "$tree" | git hash-object -t commit --literally -w --stdin)`,
        'git update-ref refs/heads/claude/corrupt "$bad"',
      ].join(' && '),
    );
    const sync = await cli('sync', launched.name, '--json');
    expect(sync.code).toBe(1);
    const [result] = parseJson<SyncJson[]>(sync);
    expect(result?.error).toMatch(/fetching from the gate failed/);
    expect(hostBranch(fixture.repo, 'claude/corrupt')).toBeUndefined();
    dockerExec(launched.name, 'git -C .git/launch-agent-gate update-ref -d refs/heads/claude/corrupt');
  });

  it('never moves a branch checked out on the host, nor one the host moved itself', async () => {
    // The host checks out claude/feat in a worktree: a push to it must not move it.
    const worktree = path.join(fixture.dir, 'wt');
    ownerGit(fixture.repo, 'worktree', 'add', '-q', worktree, 'claude/feat');
    const before = hostBranch(fixture.repo, 'claude/feat');
    dockerExec(launched.name, 'echo two >> agent.txt && git commit -q -am two && git push -q 2>&1');
    const sync = parseJson<SyncJson[]>(await cli('sync', launched.name, '--json'));
    const feat = sync[0]?.branches.find((b) => b.branch === 'claude/feat');
    expect(feat?.status).toBe('refused');
    expect(feat?.reason).toMatch(/checked out on the host/);
    expect(hostBranch(fixture.repo, 'claude/feat')).toBe(before);
    ownerGit(fixture.repo, 'worktree', 'remove', '--force', worktree);

    // The host commits on claude/feat itself: the session's push does not overwrite it.
    ownerGit(fixture.repo, 'branch', '-f', 'claude/feat', 'main');
    const hostTip = hostBranch(fixture.repo, 'claude/feat');
    const again = parseJson<SyncJson[]>(await cli('sync', launched.name, '--json'));
    expect(again[0]?.branches.find((b) => b.branch === 'claude/feat')?.reason).toMatch(/changed on the host/);
    expect(hostBranch(fixture.repo, 'claude/feat')).toBe(hostTip);
  });

  it("lands a rewritten own branch (the old tip stays in the host reflog), never another session's", async () => {
    const other = await cli(fixture.repo, '--agent', 'claude', '-b', 'other', '--detach', '--json');
    expect(other.code, other.stderr).toBe(0);
    const otherName = parseJson<Launched>(other).name;
    try {
      dockerExec(
        launched.name,
        'git checkout -q -b claude/mine && echo m > m.txt && git add m.txt && git commit -q -m mine && git push -q 2>&1',
      );
      // The gate's hooks are gone (see above), so nothing tells the watcher: sync on demand.
      expect((await cli('sync', launched.name)).stdout).toContain('claude/mine landed');
      const first = hostBranch(fixture.repo, 'claude/mine');
      dockerExec(launched.name, 'git commit -q --amend -m mine-again && git push -q -f 2>&1');
      const rewritten = dockerExec(launched.name, 'git rev-parse HEAD');
      const forced = parseJson<SyncJson[]>(await cli('sync', launched.name, '--json'));
      const mine = forced[0]?.branches.find((b) => b.branch === 'claude/mine');
      // Landed by this sync (a forced move), or a moment earlier by a watcher seeing it first.
      if (mine?.status === 'landed') expect(mine.forced).toBe(true);
      else expect(mine?.status).toBe('unchanged');
      expect(hostBranch(fixture.repo, 'claude/mine')).toBe(rewritten);
      expect(ownerGit(fixture.repo, 'reflog', '--format=%H', 'claude/mine').split('\n')).toContain(
        first ?? 'missing',
      );

      // The other session's branch: refused, whatever this agent pushes there.
      dockerExec(launched.name, 'git push -q -f local HEAD:claude/other 2>&1');
      const sync = parseJson<SyncJson[]>(await cli('sync', launched.name, '--json'));
      const taken = sync[0]?.branches.find((b) => b.branch === 'claude/other');
      expect(taken?.status).toBe('refused');
      expect(taken?.reason).toContain(otherName);
      expect(hostBranch(fixture.repo, 'claude/other')).toBeUndefined();
    } finally {
      await cli('rm', '--force', otherName);
    }
  });

  it('leaves every other host ref, hook, config, reflog and the shell rc as they were', () => {
    expect(protectedRefs(fixture.repo)).toBe(refsBefore);
    const after = hostFiles(fixture);
    for (const [file, content] of Object.entries(filesBefore)) expect(after[file], file).toBe(content);
    expect(ownerGit(fixture.repo, 'fsck', '--no-progress', '--no-dangling')).toBe('');
  });

  it('a gc on the host prunes nothing the session borrows (its staged work included)', () => {
    ownerGit(fixture.repo, 'reflog', 'expire', '--expire=now', '--all');
    ownerGit(fixture.repo, 'gc', '-q', '--prune=now');
    expect(dockerExec(launched.name, 'git fsck --connectivity-only --no-dangling 2>&1; echo fsck:$?')).toBe(
      'fsck:0',
    );
    expect(dockerExec(launched.name, 'git show :staged.txt')).toBe('staged');
  });

  it('the watcher outlives the terminal (its own session) and any session command brings it back', async () => {
    const pidFile = () => {
      const [file] = readdirSync(path.join(fixture.dir, 'run')).filter((f) => f.endsWith('.pid'));
      return Number(readFileSync(path.join(fixture.dir, 'run', file ?? 'none'), 'utf8').split(' ')[0]);
    };
    const first = pidFile();
    expect(execFileSync('ps', ['-o', 'sid=', '-p', String(first)], { encoding: 'utf8' }).trim()).toBe(
      String(first),
    );
    process.kill(first, 'SIGKILL');
    expect((await cli('list', '--json')).code).toBe(0);
    const second = await waitFor(() => {
      try {
        const pid = pidFile();
        return pid !== first ? pid : undefined;
      } catch {
        return undefined;
      }
    }, 10_000);
    expect(() => process.kill(second.value, 0)).not.toThrow();
  });

  it('rm removes the session refs from the host repo; landed branches stay', async () => {
    expect(ownerGit(fixture.repo, 'for-each-ref', `refs/launch-agent/${launched.name}/`)).not.toBe('');
    const rm = await cli('rm', '--force', launched.name);
    expect(rm.code, rm.stderr).toBe(0);
    expect(ownerGit(fixture.repo, 'for-each-ref', 'refs/launch-agent/')).toBe('');
    expect(hostBranch(fixture.repo, 'claude/mine')).toBeDefined();
  });
});
