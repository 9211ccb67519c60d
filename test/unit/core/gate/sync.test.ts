import { describe, expect, it } from 'vitest';
import { decideLanding, describeBranch, repoShown } from '../../../../src/core/gate/sync.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const base = {
  branch: 'claude/x',
  commit: B,
  current: undefined,
  landedBefore: undefined,
  owner: undefined,
  busy: false,
  fetchedRef: 'refs/launch-agent/s/gate/claude/x',
};

describe('decideLanding', () => {
  it('creates a branch the host does not have', () => {
    expect(decideLanding(base)).toEqual({ action: 'move' });
  });

  it('moves a branch this session landed, fast-forward or not', () => {
    expect(decideLanding({ ...base, current: A, landedBefore: A })).toEqual({ action: 'move' });
  });

  it('leaves a branch already there; takes ownership only of what it landed before', () => {
    expect(decideLanding({ ...base, current: B, landedBefore: B })).toEqual({ action: 'none', mark: false });
    expect(decideLanding({ ...base, current: B, landedBefore: A })).toEqual({ action: 'none', mark: true });
    // The host made that branch itself: the session never gains the right to move it.
    expect(decideLanding({ ...base, current: B })).toEqual({ action: 'none', mark: false });
  });

  it("refuses another live session's branch", () => {
    const d = decideLanding({ ...base, owner: 'claude-repo-other' });
    expect(d).toEqual({ action: 'refuse', reason: 'claude/x belongs to session claude-repo-other' });
  });

  it('refuses a branch checked out or being rebased on the host, and says how to take it', () => {
    const d = decideLanding({ ...base, current: A, landedBefore: A, busy: true });
    expect(d.action).toBe('refuse');
    expect(d.action === 'refuse' && d.reason).toMatch(
      /checked out on the host.*git merge refs\/launch-agent\/s\/gate\/claude\/x/,
    );
  });

  it('refuses a branch the host moved since (or made itself): never overwritten', () => {
    for (const landedBefore of [A, undefined]) {
      const d = decideLanding({ ...base, current: C, landedBefore });
      expect(d.action).toBe('refuse');
      expect(d.action === 'refuse' && d.reason).toMatch(/changed on the host \(now ccccccc\)/);
    }
  });
});

describe('describeBranch', () => {
  it('says what became of a branch in one line', () => {
    expect(describeBranch({ branch: 'claude/x', commit: B, status: 'landed' }, '/r')).toBe(
      'claude/x landed in /r',
    );
    expect(describeBranch({ branch: 'claude/x', commit: B, status: 'landed', forced: true }, '/r')).toMatch(
      /not a fast-forward: the old tip is in the reflog/,
    );
    expect(describeBranch({ branch: 'claude/x', commit: B, status: 'refused', reason: 'why' }, '/r')).toBe(
      'claude/x did not land: why',
    );
    expect(repoShown('/home/u/repo/.git')).toBe('/home/u/repo');
    expect(repoShown('/srv/bare.git')).toBe('/srv/bare.git');
  });
});
