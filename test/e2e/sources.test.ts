import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import {
  chownTree,
  dockerExec,
  FIXTURE_GID,
  FIXTURE_UID,
  type Fixture,
  git,
  type Launched,
  launchEnv,
  makeFixture,
  ourObjects,
  ownerGit,
  removeContainer,
} from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';

describe('launch sources', () => {
  let fixture: Fixture;
  const names: string[] = [];
  const env = () => launchEnv(fixture);
  const launch = async (args: string[]) => {
    const result = await runCli([...args, '--detach', '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const launched = parseJson<Launched>(result);
    names.push(launched.name);
    return launched;
  };

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`src-${Date.now().toString(36)}`);
  });
  afterAll(() => {
    for (const name of names) removeContainer(name);
    fixture?.cleanup();
  });

  it('a folder inside the work tree launches the whole repo', async () => {
    const sub = path.join(fixture.repo, 'deep', 'er');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, 'here.txt'), 'x\n');
    chownTree(path.join(fixture.repo, 'deep'), FIXTURE_UID, FIXTURE_GID);
    const launched = await launch([sub, '-b', 'sub']);
    expect(launched.name).toBe(`claude-${path.basename(fixture.repo)}-sub`);
    expect(launched.repo).toBe(fixture.repo);
    expect(dockerExec(launched.name, 'test -f README.md && test -f deep/er/here.txt && echo whole')).toBe(
      'whole',
    );
  });

  it('a linked worktree launches its own checkout, and pushes land in the shared repo', async () => {
    const worktree = path.join(fixture.dir, 'wt');
    ownerGit(fixture.repo, 'worktree', 'add', '-q', '-b', 'wt-branch', worktree);
    writeFileSync(path.join(worktree, 'wt-only.txt'), 'wip in the worktree\n');
    chownTree(worktree, FIXTURE_UID, FIXTURE_GID);
    const launched = await launch([worktree, '-b', 'wt']);
    expect(dockerExec(launched.name, 'git rev-parse HEAD')).toBe(ownerGit(worktree, 'rev-parse', 'HEAD'));
    expect(dockerExec(launched.name, 'git status --porcelain')).toBe('?? wt-only.txt');
    dockerExec(launched.name, 'git add -A && git commit -qm "from worktree launch" && git push -q 2>&1');
    expect(ownerGit(fixture.repo, 'log', '-1', '--format=%s', 'claude/wt')).toBe('from worktree launch');
  });

  it('submodules arrive as the host has them', async () => {
    const lib = path.join(fixture.dir, 'lib');
    mkdirSync(lib);
    git(lib, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(lib, 'lib.txt'), 'library\n');
    git(lib, 'add', '-A');
    git(lib, '-c', 'user.name=L', '-c', 'user.email=l@e', 'commit', '-q', '-m', 'lib');
    const repo = path.join(fixture.dir, 'with-sub');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'vendor/lib');
    git(repo, '-c', 'user.name=R', '-c', 'user.email=r@e', 'commit', '-q', '-m', 'add lib');
    writeFileSync(path.join(repo, 'vendor', 'lib', 'lib.txt'), 'library\nchanged in the submodule\n');
    chownTree(repo, FIXTURE_UID, FIXTURE_GID);
    const launched = await launch([repo, '-b', 'sub']);
    expect(dockerExec(launched.name, 'cat vendor/lib/lib.txt')).toBe('library\nchanged in the submodule');
    expect(dockerExec(launched.name, 'git -C vendor/lib log -1 --format=%s')).toBe('lib');
    // Modified inside the submodule: the superproject sees it as changed content.
    expect(dockerExec(launched.name, 'git status --porcelain')).toBe('M vendor/lib');
  });

  it('a git URL is cloned into the cache, launched, and fetched again on the next launch', async () => {
    const bare = path.join(fixture.dir, 'upstream.git');
    ownerGit(fixture.dir, 'clone', '-q', '--bare', fixture.repo, bare);
    const url = `file://${bare}`;
    const first = await launch([url, '-b', 'url1']);
    expect(first.remotes.origin).toBe(url);
    expect(first.source).toBe(url);
    const cache = path.join(fixture.home, '.cache', 'launch-agent', 'repos');
    expect(existsSync(cache)).toBe(true);
    expect(dockerExec(first.name, 'git remote get-url origin')).toBe(url);
    // A new commit upstream shows up in the next launch.
    const scratch = path.join(fixture.dir, 'scratch');
    ownerGit(fixture.dir, 'clone', '-q', bare, scratch);
    writeFileSync(path.join(scratch, 'upstream.txt'), 'new upstream work\n');
    ownerGit(scratch, 'add', '-A');
    ownerGit(scratch, '-c', 'user.name=U', '-c', 'user.email=u@e', 'commit', '-q', '-m', 'upstream change');
    ownerGit(scratch, 'push', '-q', 'origin', 'HEAD');
    const second = await launch([url, '-b', 'url2']);
    expect(dockerExec(second.name, 'git log -1 --format=%s')).toBe('upstream change');
  });

  it('an unreachable URL fails clearly and creates nothing', async () => {
    const mine = () =>
      Object.values(ourObjects())
        .flat()
        .filter((n) => n.startsWith('claude-none-'));
    const before = mine();
    const result = await runCli(['https://127.0.0.1:9/acme/none.git', '--detach'], { env: env() });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /^error: cannot clone https:\/\/127\.0\.0\.1:9\/acme\/none\.git: .+\nhint: .+\n$/,
    );
    expect(mine()).toEqual(before);
    // The failed clone left nothing in the cache, not even the folders made for it.
    expect(existsSync(path.join(fixture.home, '.cache', 'launch-agent', 'repos', '127.0.0.1'))).toBe(false);
  });
});
