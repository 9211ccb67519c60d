import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import {
  docker,
  dockerExec,
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

/**
 * The corners of a workspace copy, through both ways of making one: the helper container that
 * copies from a read-only bind mount (a local engine) and the archive stream (any engine).
 */
describe.each(['bind', 'stream'] as const)('workspace copy (%s)', (method) => {
  let fixture: Fixture;
  let launched: Launched;
  let stderr: string;
  let mainCommit: string;

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`copy-${method}-${Date.now().toString(36)}`);
    const { repo } = fixture;
    // Names a shell or cp could trip on.
    writeFileSync(path.join(repo, '-rf'), 'dash\n');
    writeFileSync(path.join(repo, "it's a file.txt"), 'quote\n');
    writeFileSync(path.join(repo, 'new\nline.txt'), 'newline\n');
    mkdirSync(path.join(repo, 'deep', 'er', 'still'), { recursive: true });
    writeFileSync(path.join(repo, 'deep', 'er', 'still', 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
    // Readable by root (the test) but not by the repo owner the agent runs as.
    writeFileSync(path.join(repo, 'root-only.txt'), 'root only\n', { mode: 0o600 });
    // A host remote named `local` and a ref lock: ours replace the first, the second stays home.
    ownerGit(repo, 'update-ref', 'refs/remotes/local/packed', 'HEAD');
    ownerGit(repo, 'pack-refs', '--all');
    ownerGit(repo, 'update-ref', 'refs/remotes/local/stale', 'HEAD');
    mainCommit = ownerGit(repo, 'rev-parse', 'main');
    writeFileSync(path.join(repo, '.git', 'refs', 'heads', 'held.lock'), `${mainCommit}\n`);
    git(repo, 'config', 'remote.local.url', '/somewhere/else');
    for (const file of ['-rf', "it's a file.txt", 'new\nline.txt', '.git/refs/heads/held.lock']) {
      chownSync(path.join(repo, file), 1234, 1234);
    }
    chownSync(path.join(repo, 'deep'), 1234, 1234);
    const result = await runCli(
      [repo, '--agent', 'claude', '-b', 'copy', '--include-ignored', '--detach', '--json'],
      { env: { ...launchEnv(fixture), LAUNCH_AGENT_COPY: method } },
    );
    stderr = result.stderr;
    expect(result.code, result.stderr).toBe(0);
    launched = parseJson<Launched>(result);
  });

  afterAll(() => {
    if (launched) removeContainer(launched.name);
    fixture?.cleanup();
  });

  it(`copies with ${method}`, () => {
    expect(launched.copied.method).toBe(method);
  });

  it('--include-ignored brings ignored files and folders along', () => {
    expect(dockerExec(launched.name, 'cat .env node_modules/x.js')).toBe('IGNORED_SECRET=do-not-copy\n1');
  });

  it('copies awkward names, deep folders and big files exactly', () => {
    expect(dockerExec(launched.name, "cat -- -rf \"it's a file.txt\" 'new\nline.txt'")).toBe(
      'dash\nquote\nnewline',
    );
    expect(dockerExec(launched.name, 'stat -c %s deep/er/still/big.bin')).toBe('3145728');
    expect(dockerExec(launched.name, 'od -An -tu1 -N1 -j3145727 deep/er/still/big.bin').trim()).toBe('7');
    expect(dockerExec(launched.name, 'find /workspace ! -user agent | head -5')).toBe('');
  });

  // The helper reads as the agent user; the stream reads as whoever runs the launcher (root
  // here, the repo's owner for a real user, where both agree).
  it.runIf(method === 'bind')('leaves out, with a warning, a file the agent user cannot read', () => {
    expect(stderr).toMatch(/unreadable file\(s\) left out of the copy: .*root-only\.txt/);
    expect(launched.copied.skipped.some((file) => file.endsWith('root-only.txt'))).toBe(true);
    expect(dockerExec(launched.name, 'test ! -e root-only.txt && echo absent')).toBe('absent');
  });

  it.runIf(method === 'stream')('copies what the launcher can read, owned by the agent', () => {
    expect(launched.copied.skipped).toEqual([]);
    expect(dockerExec(launched.name, 'cat root-only.txt; stat -c %U root-only.txt')).toBe('root only\nagent');
  });

  it('mirrors the host branches as remote `local`, replacing a host remote of that name', () => {
    expect(dockerExec(launched.name, 'git config remote.local.url')).toBe(
      '/workspace/.git/launch-agent-gate',
    );
    expect(dockerExec(launched.name, 'git for-each-ref --format="%(refname)" refs/remotes/local')).toBe(
      'refs/remotes/local/main',
    );
    expect(dockerExec(launched.name, 'git rev-parse local/main')).toBe(mainCommit);
  });

  it('keeps the copied index fresh: git finds no stat changes but the real ones (no re-hash per status)', () => {
    // diff-files never refreshes: a file whose stat data the index does not match is listed
    // even with the same content. On the host, after a refresh, only real changes are.
    ownerGit(fixture.repo, 'update-index', '-q', '--refresh');
    const host = ownerGit(fixture.repo, 'diff-files', '--name-only');
    expect(host.split('\n').sort()).toEqual(['to-delete.txt', 'tracked.txt']);
    expect(dockerExec(launched.name, 'git diff-files --name-only').split('\n').sort()).toEqual(
      host.split('\n').sort(),
    );
  });

  it('carries no lock files, and git works at once', () => {
    expect(dockerExec(launched.name, 'find .git -name "*.lock" | head -3')).toBe('');
    expect(
      dockerExec(
        launched.name,
        'git branch --list held; git fsck --connectivity-only --no-dangling 2>&1 | head -3',
      ),
    ).toBe('');
    expect(
      dockerExec(launched.name, 'git add -A && git commit -qm "in the container" && git log -1 --format=%s'),
    ).toBe('in the container');
  });
});

describe('a copy helper left behind (its launcher killed outright)', () => {
  let fixture: Fixture;
  let launched: Launched;
  const stray = `la-e2e-stray-copy-${Date.now().toString(36)}`;

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`stray-${Date.now().toString(36)}`);
    const result = await runCli([fixture.repo, '--agent', 'claude', '-b', 'stray', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    expect(result.code, result.stderr).toBe(0);
    launched = parseJson<Launched>(result);
    // What a launch killed between creating its helper and starting it leaves: a created
    // helper holding the workspace volume.
    docker(
      'create',
      '--name',
      stray,
      '--label',
      'dev.launch-agent.managed=true',
      '--label',
      'dev.launch-agent.kind=copy',
      '--mount',
      `type=volume,src=${launched.workspace.volume},dst=/run/launch-agent/copy/workspace`,
      launched.image,
      'true',
    );
  });

  afterAll(() => {
    // Quietly: after a passing test there is nothing left to remove.
    const quiet = (...args: string[]) => execFileSync('docker', args, { stdio: 'ignore' });
    quiet('rm', '-f', stray);
    if (launched) {
      quiet('rm', '-f', launched.name);
      quiet('volume', 'rm', '-f', launched.workspace.volume);
    }
    fixture?.cleanup();
  });

  it('does not keep `rm` from removing the workspace volume', async () => {
    const result = await runCli(['rm', '--force', launched.name, '--json'], { env: launchEnv(fixture) });
    expect(result.code, result.stderr).toBe(0);
    const { containers, volumes } = ourObjects();
    expect(containers).not.toContain(stray);
    expect(containers).not.toContain(launched.name);
    expect(volumes).not.toContain(launched.workspace.volume);
  });
});
