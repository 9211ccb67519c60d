import { describe, expect, it } from 'vitest';
import { describeLoss, pruneSessions, removeSessions } from '../../../src/core/sessions/remove.js';
import { LaunchError } from '../../../src/errors.js';
import { FakeEngine, gitOutput } from '../../helpers/fake-engine.js';

describe('removeSessions', () => {
  it('refuses with unpushed commits, listing them, and removes nothing', async () => {
    const engine = new FakeEngine([
      { name: 'claude-app', git: gitOutput(['abc1234 add login', 'def5678 wip']) },
    ]);
    const error = await removeSessions(engine.asEngine(), ['claude-app']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaunchError);
    const e = error as LaunchError;
    expect(e.code).toBe('UNPUSHED_WORK');
    expect(e.exitCode).not.toBe(0);
    expect(e.message).toContain('2 commits not in the host repo');
    expect(e.message).toContain('abc1234 add login');
    expect(e.hint).toContain('--force');
    expect(e.details).toEqual({
      containers: [
        {
          name: 'claude-app',
          unpushed: ['abc1234 add login', 'def5678 wip'],
          tagged: [],
          otherRefs: [],
          uncommitted: [],
          error: null,
        },
      ],
    });
    expect(engine.removedContainers).toEqual([]);
    expect(engine.removedVolumes).toEqual([]);
  });

  it('refuses with uncommitted changes only', async () => {
    const engine = new FakeEngine([{ name: 'a', git: gitOutput([], ['?? notes.md']) }]);
    await expect(removeSessions(engine.asEngine(), ['a'])).rejects.toThrow(
      /1 uncommitted change:\n {4}\?\? notes\.md/,
    );
  });

  it('refuses when the workspace cannot be read: unknown is not clean', async () => {
    const engine = new FakeEngine([{ name: 'a', git: gitOutput([], [], 128) }]);
    await expect(removeSessions(engine.asEngine(), ['a'])).rejects.toThrow(/cannot read its workspace/);
    expect(engine.removedContainers).toEqual([]);
  });

  it('is all or nothing over several names', async () => {
    const engine = new FakeEngine([{ name: 'clean' }, { name: 'dirty', git: gitOutput(['abc x']) }]);
    await expect(removeSessions(engine.asEngine(), ['clean', 'dirty'])).rejects.toThrow(/dirty:/);
    expect(engine.removedContainers).toEqual([]);
  });

  it('removes a clean container and its labelled volume', async () => {
    const engine = new FakeEngine([{ name: 'a' }]);
    const removed = await removeSessions(engine.asEngine(), ['a']);
    expect(removed).toEqual([{ name: 'a', id: 'id-a', volume: 'a-workspace' }]);
    expect(engine.removedContainers).toEqual(['id-a']);
    expect(engine.removedVolumes).toEqual(['a-workspace']);
  });

  it('--force removes without checking', async () => {
    const engine = new FakeEngine([{ name: 'a', git: gitOutput(['abc x'], ['?? y']) }]);
    await removeSessions(engine.asEngine(), ['a'], { force: true });
    expect(engine.execs).toEqual([]);
    expect(engine.removedContainers).toEqual(['id-a']);
  });

  it('never removes a volume that is not labelled as ours', async () => {
    const engine = new FakeEngine([{ name: 'a' }], []);
    const removed = await removeSessions(engine.asEngine(), ['a']);
    expect(removed[0]?.volume).toBeNull();
    expect(engine.removedVolumes).toEqual([]);
  });

  it("checks a stopped keep-id session (rootless Podman) in a keep-id helper, so its files are its user's", async () => {
    const engine = new FakeEngine([
      { name: 'pod', state: 'exited', userns: 'keep-id' },
      { name: 'plain', state: 'exited' },
    ]);
    await removeSessions(engine.asEngine(), ['pod', 'plain']);
    expect(engine.createdSpecs.map((s) => [s.name.replace(/-[0-9a-f]{6}$/, ''), s.usernsMode])).toEqual([
      ['pod-check', 'keep-id'],
      ['plain-check', undefined],
    ]);
  });

  it('checks a stopped container in a throwaway container and removes that too', async () => {
    const engine = new FakeEngine([{ name: 'a', state: 'exited' }]);
    await removeSessions(engine.asEngine(), ['a']);
    expect(engine.created).toHaveLength(1);
    expect(engine.created[0]).toMatch(/^a-check-[0-9a-f]{6}$/);
    expect(engine.started).toEqual([`id-${engine.created[0]}`]);
    expect(engine.removedContainers).toEqual([`id-${engine.created[0]}`, 'id-a']);
  });
});

describe('pruneSessions', () => {
  const containers = () =>
    new FakeEngine([
      { name: 'running-clean' },
      { name: 'stopped-clean', state: 'exited' },
      { name: 'stopped-dirty', state: 'exited', git: gitOutput(['abc x']) },
      { name: 'paused', state: 'paused' },
    ]);

  it('without --yes only lists what it would remove and what it keeps', async () => {
    const engine = containers();
    const result = await pruneSessions(engine.asEngine());
    expect(result.removed).toBe(false);
    expect(result.removable.map((r) => r.name)).toEqual(['stopped-clean']);
    expect(result.kept).toEqual([
      { name: 'stopped-dirty', unpushed: ['abc x'], tagged: [], otherRefs: [], uncommitted: [], error: null },
    ]);
    expect(engine.removedContainers.filter((id) => !id.includes('-check-'))).toEqual([]);
  });

  it('with --yes removes stopped containers whose work is pushed, never running ones', async () => {
    const engine = containers();
    const result = await pruneSessions(engine.asEngine(), { yes: true });
    expect(result.removable).toEqual([
      { name: 'stopped-clean', id: 'id-stopped-clean', volume: 'stopped-clean-workspace' },
    ]);
    expect(engine.removedContainers.filter((id) => !id.includes('-check-'))).toEqual(['id-stopped-clean']);
    expect(engine.removedVolumes).toEqual(['stopped-clean-workspace']);
  });
});

describe('pruneSessions --repo', () => {
  it('only considers the containers of that repo', async () => {
    const engine = new FakeEngine([
      { name: 'a-app', state: 'exited', repo: 'app' },
      { name: 'b-web', state: 'exited', repo: 'web' },
    ]);
    const result = await pruneSessions(engine.asEngine(), { yes: true, repo: 'web' });
    expect(result.removable.map((r) => r.name)).toEqual(['b-web']);
    expect(engine.created.every((n) => n.startsWith('b-web-check-'))).toBe(true);
    expect(engine.removedContainers.filter((id) => !id.includes('-check-'))).toEqual(['id-b-web']);
  });
});

describe('describeLoss', () => {
  it('clips long lists', () => {
    const unpushed = Array.from({ length: 25 }, (_, i) => `c${i} msg`);
    const text = describeLoss(
      { session: { name: 'a' } as never, state: { unpushed, tagged: [], otherRefs: [], uncommitted: [] } },
      20,
    );
    expect(text).toContain('25 commits not in the host repo');
    expect(text).toContain('... and 5 more');
    expect(text).not.toContain('c24 msg');
  });
});
