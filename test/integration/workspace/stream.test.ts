import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../../src/docker/connect.js';
import { DockerodeEngine } from '../../../src/docker/dockerode-engine.js';
import { managedLabels } from '../../../src/docker/labels.js';
import { readRepo } from '../../../src/git/repo.js';
import { OwnedTar } from '../../../src/workspace/tar.js';
import { addWorkspace, listWorkTree } from '../../../src/workspace/workspace.js';
import { git } from '../../helpers/fixtures.js';
import { testBaseImage } from '../../setup/global-engine.js';

const engine = new DockerodeEngine(resolveEndpoint());
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const name = `la-it-stream-${suffix}`;
const volume = `${name}-workspace`;
const owner = { uid: 4321, gid: 4322 };
let dir: string;
let id: string;

async function sh(script: string): Promise<string> {
  const result = await engine.exec(id, { cmd: ['sh', '-c', script] });
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout.trim();
}

describe('workspace streaming into a real container', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'la-it-'));
    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, 'src', 'nested'), { recursive: true });
    git(dir, 'init', '-q', '-b', 'main', repo);
    writeFileSync(path.join(repo, 'src', 'nested', 'deep.txt'), 'deep\n');
    writeFileSync(path.join(repo, 'tool.sh'), '#!/bin/sh\n');
    chmodSync(path.join(repo, 'tool.sh'), 0o750);
    writeFileSync(path.join(repo, 'secret-mode.txt'), 'x\n', { mode: 0o600 });
    writeFileSync(path.join(repo, '.gitignore'), 'ignored.log\n');
    writeFileSync(path.join(repo, 'ignored.log'), 'noise\n');
    symlinkSync('../outside/target', path.join(repo, 'rel-link'));
    symlinkSync('/etc/shadow', path.join(repo, 'abs-link'));
    writeFileSync(path.join(repo, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.name=T', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'one');

    await engine.createVolume(volume, managedLabels('volume'));
    id = await engine.createContainer({
      name,
      image: testBaseImage(),
      labels: managedLabels('container'),
      env: [],
      cmd: ['sleep', 'infinity'],
      user: `${owner.uid}:${owner.gid}`,
      workingDir: '/workspace',
      mounts: [{ type: 'volume', source: volume, target: '/workspace' }],
      nanoCpus: 1e9,
      memoryBytes: 256 * 1024 ** 2,
      pidsLimit: 64,
      network: 'none',
      securityOpt: ['no-new-privileges:true'],
      capDrop: ['ALL'],
      capAdd: [],
    });
    const facts = await readRepo(repo);
    const tar = new OwnedTar(owner);
    const writing = (async () => {
      const entries = await listWorkTree(facts.root, false);
      await addWorkspace(tar, {
        repo: facts,
        git: { agent: 'agent', branch: 'agent/x', shareObjects: false, keeperMark: '@@mark@@' },
        entries,
        prefix: 'workspace',
      });
      tar.finish();
    })();
    // Extracted into a created, never started container: the volume is filled before start.
    await Promise.all([engine.putArchive(id, '/', tar.pack as unknown as Readable), writing]);
    expect(tar.stats.files).toBeGreaterThan(5);
    await engine.startContainer(id);
  });

  afterAll(async () => {
    if (id) await engine.removeContainer(id, { force: true });
    await engine.removeVolume(volume);
    rmSync(dir, { recursive: true, force: true });
  });

  it('everything, the workspace root included, belongs to the agent user', async () => {
    expect(await sh('stat -c %u:%g /workspace')).toBe(`${owner.uid}:${owner.gid}`);
    expect(await sh('find /workspace ! -user 4321 -o ! -group 4322 | head -3')).toBe('');
  });

  it('keeps modes, keeps symlinks as links (never their targets), leaves ignored files home', async () => {
    expect(await sh('stat -c %a tool.sh')).toBe('750');
    expect(await sh('stat -c %a secret-mode.txt')).toBe('600');
    expect(await sh('readlink rel-link; readlink abs-link')).toBe('../outside/target\n/etc/shadow');
    expect(await sh('test -L abs-link && echo link')).toBe('link');
    expect(await sh('test -e ignored.log || echo absent')).toBe('absent');
    expect(await sh('cat src/nested/deep.txt')).toBe('deep');
    expect(await sh('stat -c %s big.bin')).toBe(String(3 * 1024 * 1024));
  });

  it('rewires .git: the new branch checked out, local remote and its refs', async () => {
    expect(await sh('cat .git/HEAD')).toBe('ref: refs/heads/agent/x');
    expect(await sh('cat .git/refs/heads/agent/x')).toBe(await sh('cat .git/refs/remotes/local/main'));
    expect(await sh('grep -A2 \'remote "local"\' .git/config')).toContain(
      'url = /workspace/.git/launch-agent-gate',
    );
    // The gate: a bare repo holding the host's branches, its hooks executable.
    expect(await sh('grep bare .git/launch-agent-gate/config')).toContain('bare = true');
    expect(await sh('grep refs/heads/main .git/launch-agent-gate/packed-refs')).toBe(
      `${await sh('cat .git/refs/remotes/local/main')} refs/heads/main`,
    );
    expect(await sh('stat -c %a .git/launch-agent-gate/hooks/pre-receive')).toBe('755');
  });

  it('the engine adapter reads files back and runs commands with exit codes', async () => {
    const failed = await engine.exec(id, { cmd: ['sh', '-c', 'echo out; echo err >&2; exit 9'] });
    expect(failed).toEqual({ exitCode: 9, stdout: 'out\n', stderr: 'err\n' });
    const echoed = await engine.exec(id, { cmd: ['cat'], stdin: 'from stdin' });
    expect(echoed.stdout).toBe('from stdin');
    const details = await engine.inspectContainer(name);
    expect(details?.user).toBe('4321:4322');
    expect(details?.capDrop).toEqual(['ALL']);
  });
});
