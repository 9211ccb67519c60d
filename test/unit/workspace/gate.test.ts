import { describe, expect, it } from 'vitest';
import { hostKnownRefs, planGate } from '../../../src/workspace/gate.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('planGate', () => {
  const gate = planGate({
    agent: 'claude',
    branch: 'claude/feat',
    hostBranches: { main: A, 'claude/other-session': B, 'codex/x': B },
    keeperMark: '@@mark@@',
  });
  const file = (name: string) => gate.files.find((f) => f.path === `launch-agent-gate/${name}`);

  it("holds the host's branches, but none under the agent's prefix (those are the host's to fetch)", () => {
    expect(file('packed-refs')?.content).toContain(`${A} refs/heads/main`);
    expect(file('packed-refs')?.content).toContain(`${B} refs/heads/codex/x`);
    expect(file('packed-refs')?.content).not.toContain('claude/other-session');
  });

  it('is a bare repo borrowing the workspace objects, with executable hooks that refuse other refs', () => {
    expect(file('config')?.content).toContain('bare = true');
    expect(file('objects/info/alternates')?.content).toBe('/workspace/.git/objects\n');
    expect(file('hooks/pre-receive')).toMatchObject({ mode: 0o755 });
    expect(file('hooks/pre-receive')?.content).toContain('refs/heads/claude/*) ;;');
    expect(file('hooks/post-receive')?.content).toContain("printf '%s pushed\\n' '@@mark@@' >/proc/1/fd/1");
  });
});

describe('hostKnownRefs', () => {
  it("records the host's HEAD and branches as what the host has", () => {
    expect(hostKnownRefs(A, { main: B })).toEqual([
      { path: 'refs/launch-agent/base', content: `${A}\n` },
      { path: 'refs/launch-agent/host/main', content: `${B}\n` },
    ]);
  });
});
