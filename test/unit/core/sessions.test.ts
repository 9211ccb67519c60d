import { describe, expect, it } from 'vitest';
import { matchSession, type Session, toSession } from '../../../src/core/sessions/resolve.js';
import { isClean, parseWorkState, WORK_STATE_SCRIPT } from '../../../src/core/sessions/work-state.js';
import { listSessions, sessionCommand, stopSessions } from '../../../src/core/sessions.js';
import { LaunchError } from '../../../src/errors.js';
import { FakeEngine, gitOutput } from '../../helpers/fake-engine.js';

function sessions(...names: string[]): Session[] {
  const engine = new FakeEngine(names.map((name) => ({ name })));
  return engine.containers.map((c) => toSession(engine.summary(c)));
}

describe('matchSession', () => {
  const all = sessions('claude-app-fix-login', 'claude-app-fix-logout', 'codex-app-main');

  it('takes a full name even when it is also a prefix of another', () => {
    const withPrefixName = sessions('claude-app', 'claude-app-2');
    expect(matchSession(withPrefixName, 'claude-app').name).toBe('claude-app');
  });

  it('takes an unambiguous prefix', () => {
    expect(matchSession(all, 'codex').name).toBe('codex-app-main');
    expect(matchSession(all, 'claude-app-fix-logo').name).toBe('claude-app-fix-logout');
  });

  it('refuses an ambiguous prefix, listing the candidates', () => {
    const error = catchError(() => matchSession(all, 'claude-app-fix-log'));
    expect(error.code).toBe('CONTAINER_AMBIGUOUS');
    expect(error.message).toContain('claude-app-fix-login, claude-app-fix-logout');
    expect(error.details).toEqual({
      query: 'claude-app-fix-log',
      candidates: ['claude-app-fix-login', 'claude-app-fix-logout'],
    });
  });

  it('fails on an unknown name with a hint to list', () => {
    const error = catchError(() => matchSession(all, 'gemini'));
    expect(error.code).toBe('CONTAINER_NOT_FOUND');
    expect(error.exitCode).toBe(4);
    expect(error.hint).toContain('launch-agent list');
  });

  it('does not match on a substring in the middle of a name', () => {
    expect(() => matchSession(all, 'app')).toThrow(/no agent container named `app`/);
  });
});

describe('toSession', () => {
  it('reads the launch labels and prefers the recorded creation time', () => {
    const engine = new FakeEngine([{ name: 'c1', state: 'exited', created: '2026-11-20T10:00:00.000Z' }]);
    const s = toSession(engine.summary(engine.containers[0]!));
    expect(s).toMatchObject({
      name: 'c1',
      agent: 'claude',
      repo: 'repo',
      branch: 'claude/x',
      volume: 'c1-workspace',
      running: false,
      state: 'exited',
      created: '2026-11-20T10:00:00.000Z',
    });
  });
});

describe('parseWorkState', () => {
  it('splits unpushed commits from porcelain status lines', () => {
    const state = parseWorkState(
      'abc1234 add login\ndef5678 fix typo\n@@launch-agent-status@@\n M src/a.ts\n?? new.txt\n',
    );
    expect(state.unpushed).toEqual(['abc1234 add login', 'def5678 fix typo']);
    expect(state.uncommitted).toEqual([' M src/a.ts', '?? new.txt']);
    expect(isClean(state)).toBe(false);
  });

  it('is clean when both parts are empty', () => {
    const state = parseWorkState('@@launch-agent-status@@\n');
    expect(state).toEqual({ unpushed: [], tagged: [], otherRefs: [], uncommitted: [] });
    expect(isClean(state)).toBe(true);
  });

  it('rejects output cut before the marker (the script failed half way)', () => {
    expect(() => parseWorkState('abc1234 x\n')).toThrow(/incomplete/);
  });

  it('counts commits the host repo lacks (refs/launch-agent; local/* before the gate), for HEAD and all branches', () => {
    expect(WORK_STATE_SCRIPT).toContain('--branches --not $known');
    expect(WORK_STATE_SCRIPT).toContain('known=--glob=refs/launch-agent; else known=--remotes=local');
    // Never takes the index lock from the agent's own git commands.
    expect(WORK_STATE_SCRIPT).toContain('git --no-optional-locks status --porcelain');
    expect(WORK_STATE_SCRIPT).toContain('git stash list');
  });
});

describe('listSessions', () => {
  it('reports ahead/uncommitted for running containers and null for stopped ones', async () => {
    const engine = new FakeEngine([
      { name: 'a', created: '2026-11-25T10:00:00.000Z', git: gitOutput(['abc x']) },
      { name: 'b', created: '2026-11-25T11:00:00.000Z', git: gitOutput([], ['?? f']) },
      { name: 'c', state: 'exited', created: '2026-11-25T09:00:00.000Z' },
    ]);
    const items = await listSessions(
      { engine: engine.asEngine(), now: () => new Date('2026-11-25T12:00:00.000Z') },
      { all: true },
    );
    expect(items.map((i) => [i.name, i.ahead, i.uncommitted, i.ageSeconds])).toEqual([
      ['b', 0, true, 3600],
      ['a', 1, false, 7200],
      ['c', null, null, 10800],
    ]);
    // No git exec in a stopped container: list never starts anything.
    expect(engine.execs.map((e) => e.id).sort()).toEqual(['id-a', 'id-b']);
  });

  it('--repo keeps the containers of one repo', async () => {
    const engine = new FakeEngine([
      { name: 'a', repo: 'app' },
      { name: 'b', repo: 'web' },
    ]);
    const items = await listSessions({ engine: engine.asEngine() }, { repo: 'web' });
    expect(items.map((i) => i.name)).toEqual(['b']);
    expect(engine.execs.map((e) => e.id)).toEqual(['id-b']);
  });

  it('shows unknown (null) when git fails in a container instead of failing the list', async () => {
    const engine = new FakeEngine([{ name: 'a', git: gitOutput([], [], 128) }]);
    const [item] = await listSessions({ engine: engine.asEngine() });
    expect(item).toMatchObject({ name: 'a', ahead: null, uncommitted: null });
  });

  it('asks the keeper of containers launched with one, and execs in older ones', async () => {
    const engine = new FakeEngine([
      {
        name: 'new',
        created: '2026-11-25T11:00:00.000Z',
        keeper: true,
        git: gitOutput(['abc x', 'def y'], ['?? f']),
      },
      { name: 'old', created: '2026-11-25T10:00:00.000Z', git: gitOutput(['abc x', 'def y'], ['?? f']) },
    ]);
    const items = await listSessions({ engine: engine.asEngine() });
    // The same columns either way.
    expect(items.map((i) => [i.name, i.ahead, i.uncommitted])).toEqual([
      ['new', 2, true],
      ['old', 2, true],
    ]);
    expect(engine.attaches).toEqual(['id-new']);
    expect(engine.execs.map((e) => e.id)).toEqual(['id-old']);
  });

  it('on Podman asks every container through exec: its attach cannot reach the keeper', async () => {
    const engine = new FakeEngine([{ name: 'pod', keeper: true, git: gitOutput(['abc x'], ['?? f']) }]);
    engine.productName = 'Podman';
    const [item] = await listSessions({ engine: engine.asEngine() });
    expect(item).toMatchObject({ name: 'pod', ahead: 1, uncommitted: true });
    expect(engine.attaches).toEqual([]);
    // The git check, and the agent's activity (what the keeper's reply carries elsewhere).
    expect(engine.execs.map((e) => e.id)).toEqual(['id-pod', 'id-pod']);
    expect(engine.execs.filter((e) => /\nactivity [0-9a-f]+$/.test(e.options.cmd[2] ?? ''))).toHaveLength(1);
  });

  it('shows unknown for a container whose keeper does not answer in time, and lists the rest', async () => {
    const engine = new FakeEngine([
      { name: 'wedged', created: '2026-11-25T11:00:00.000Z', keeper: 'hang' },
      { name: 'fine', created: '2026-11-25T10:00:00.000Z', keeper: true, git: gitOutput(['abc x']) },
    ]);
    const started = Date.now();
    const items = await listSessions({ engine: engine.asEngine() }, { timeoutMs: 50 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(items.map((i) => [i.name, i.ahead, i.uncommitted])).toEqual([
      ['wedged', null, null],
      ['fine', 1, false],
    ]);
    // A timeout is not retried with exec: that would only double the wait.
    expect(engine.execs).toEqual([]);
  });

  it('falls back to exec when the engine refuses the attach, but not when git failed', async () => {
    const engine = new FakeEngine([
      {
        name: 'refused',
        created: '2026-11-25T11:00:00.000Z',
        keeper: 'refuse',
        git: gitOutput([], ['?? f']),
      },
      { name: 'broken', created: '2026-11-25T10:00:00.000Z', keeper: true, git: gitOutput([], [], 128) },
    ]);
    const items = await listSessions({ engine: engine.asEngine() });
    expect(items.map((i) => [i.name, i.ahead, i.uncommitted])).toEqual([
      ['refused', 0, true],
      ['broken', null, null],
    ]);
    expect(engine.execs.map((e) => e.id)).toEqual(['id-refused']);
  });

  it('runs the git checks in parallel', async () => {
    const engine = new FakeEngine(Array.from({ length: 20 }, (_, i) => ({ name: `c${i}` })));
    let inFlight = 0;
    let peak = 0;
    const exec = engine.exec.bind(engine);
    engine.exec = async (id, options) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return exec(id, options);
    };
    await listSessions({ engine: engine.asEngine() });
    expect(peak).toBe(20);
  });
});

describe('sessionCommand', () => {
  const [session] = sessions('claude-app');

  it('runs everything through the entrypoint so the secrets are loaded', async () => {
    expect(await sessionCommand('shell', session!)).toEqual([
      '/usr/local/bin/launch-agent-entrypoint',
      'bash',
      '-l',
    ]);
    expect(await sessionCommand('exec', session!, ['sh', '-c', 'exit 7'])).toEqual([
      '/usr/local/bin/launch-agent-entrypoint',
      'sh',
      '-c',
      'exit 7',
    ]);
  });

  it("attaches the agent's own interactive command", async () => {
    expect(await sessionCommand('attach', session!)).toEqual([
      '/usr/local/bin/launch-agent-entrypoint',
      'claude',
      '--dangerously-skip-permissions',
    ]);
  });

  it('needs a command for exec', async () => {
    await expect(sessionCommand('exec', session!, [])).rejects.toThrow(/exec needs a command/);
  });
});

describe('stopSessions', () => {
  it('--all stops only running containers', async () => {
    const engine = new FakeEngine([{ name: 'a' }, { name: 'b', state: 'exited' }, { name: 'c' }]);
    const result = await stopSessions({ engine: engine.asEngine() }, { all: true });
    expect(result.map((r) => r.name).sort()).toEqual(['a', 'c']);
    expect(engine.stopped.sort()).toEqual(['id-a', 'id-c']);
  });

  it('resolves names by prefix and leaves a stopped one alone', async () => {
    const engine = new FakeEngine([{ name: 'claude-x' }, { name: 'codex-y', state: 'exited' }]);
    await stopSessions({ engine: engine.asEngine() }, { names: ['cla', 'codex-y'] });
    expect(engine.stopped).toEqual(['id-claude-x']);
  });
});

function catchError(fn: () => unknown): LaunchError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LaunchError) return error;
    throw error;
  }
  throw new Error('expected a LaunchError');
}

describe('parseWorkState: tags and other refs', () => {
  it('splits commits only tags or other refs reach from unpushed ones', async () => {
    const { parseWorkState, isClean } = await import('../../../src/core/sessions/work-state.js');
    const state = parseWorkState(
      'abc1 on a branch\n@@launch-agent-tags@@\ndef2 release (tag: v1)\n@@launch-agent-other-refs@@\n0123 note (refs/notes/commits)\n@@launch-agent-status@@\n',
    );
    expect(state).toEqual({
      unpushed: ['abc1 on a branch'],
      tagged: ['def2 release (tag: v1)'],
      otherRefs: ['0123 note (refs/notes/commits)'],
      uncommitted: [],
    });
    expect(isClean({ ...state, unpushed: [], otherRefs: [] })).toBe(false);
  });
});
