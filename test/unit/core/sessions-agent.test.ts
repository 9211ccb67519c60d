import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { claude } from '../../../src/agents/claude.js';
import { codex } from '../../../src/agents/codex.js';
import { gemini } from '../../../src/agents/gemini.js';
import { splitAgentArgs } from '../../../src/cli/agent-args.js';
import { activityOf, QUIET_SECONDS } from '../../../src/core/sessions/activity.js';
import { ScreenFollower, screenLines } from '../../../src/core/sessions/agent-logs.js';
import { agentCommand, joinCommand, terminalRestore } from '../../../src/core/sessions/agent-session.js';
import {
  type ActivityFacts,
  KEEPER_MARK,
  keeperActivityRequest,
  parseActivityFacts,
  parseKeeperReply,
} from '../../../src/core/sessions/keeper.js';
import type { ExecOptions, ExecResult } from '../../../src/docker/engine.js';

const now = 1_800_000_000;
type SessionFacts = Extract<ActivityFacts, { session: true }>;
const running = (lastOutput: number, hook?: { word: 'working' | 'waiting'; at: number }): SessionFacts => ({
  session: true,
  dead: false,
  exitStatus: null,
  now,
  lastOutput,
  hook,
});

describe('activityOf', () => {
  it('is null without an agent session (never started, old keeper)', () => {
    expect(activityOf(undefined)).toEqual({ activity: null, exitCode: null });
    expect(activityOf({ session: false })).toEqual({ activity: null, exitCode: null });
  });

  it('is exited, with the exit code, once the pane is dead', () => {
    expect(activityOf({ ...running(now), dead: true, exitStatus: 3 })).toEqual({
      activity: 'exited',
      exitCode: 3,
    });
  });

  it('is working while the terminal shows output, whatever the hooks said', () => {
    expect(activityOf(running(now - 1, { word: 'waiting', at: now - 100 })).activity).toBe('working');
  });

  it('quiet: the agent’s own word decides, else idle', () => {
    const quiet = now - QUIET_SECONDS;
    expect(activityOf(running(quiet)).activity).toBe('idle');
    expect(activityOf(running(quiet, { word: 'waiting', at: quiet })).activity).toBe('waiting');
    expect(activityOf(running(quiet, { word: 'working', at: quiet })).activity).toBe('working');
  });
});

describe('the keeper’s activity line', () => {
  const line = (nonce: string, rest: string) => `${KEEPER_MARK} ${nonce}+ ${rest}\n`;

  it('parses a running agent, a dead one and no session', () => {
    expect(parseActivityFacts(line('n1', `tmux 0:: ${now} ${now - 9} waiting ${now - 20}`), 'n1')).toEqual({
      session: true,
      dead: false,
      exitStatus: null,
      now,
      lastOutput: now - 9,
      hook: { word: 'waiting', at: now - 20 },
    });
    expect(parseActivityFacts(line('n1', `tmux 1:7: ${now} ${now} - 0`), 'n1')).toMatchObject({
      dead: true,
      exitStatus: 7,
      hook: undefined,
    });
    expect(parseActivityFacts(line('n1', 'none'), 'n1')).toEqual({ session: false });
  });

  it('waits for its own complete line, and stays out of protocol 1’s reply', () => {
    expect(parseActivityFacts(`${KEEPER_MARK} n1+ tmux 0::`, 'n1')).toBeUndefined();
    expect(parseActivityFacts(line('n2', 'none'), 'n1')).toBeUndefined();
    const both = `${line('n1', `tmux 0:: ${now} ${now} - 0`)}${KEEPER_MARK} n1 ok 2 1\n`;
    expect(parseKeeperReply(both, 'n1')).toEqual({ ok: true, ahead: 2, uncommitted: true });
  });

  it('has its own request', () => {
    expect(keeperActivityRequest('abc1')).toBe('launch-agent-activity abc1\n');
  });
});

describe('logs: the agent’s screen', () => {
  it('drops the empty bottom of the screen', () => {
    expect(screenLines('a\nb  \n\n\n')).toEqual(['a', 'b']);
  });

  it('prints the first capture whole (or its tail), then what settles', () => {
    const follow = new ScreenFollower(2);
    expect(follow.next(['one', 'two', 'three', '⠋ working'])).toEqual(['three\n', '⠋ working\n']);
    // The spinner turns: nothing settles.
    expect(follow.next(['one', 'two', 'three', '⠙ working'])).toEqual([]);
    // A new line, still changing below it.
    expect(follow.next(['one', 'two', 'three', 'four', '⠹ working'])).toEqual([]);
    expect(follow.next(['one', 'two', 'three', 'four', 'done', '> '])).toEqual(['four\n']);
    expect(follow.next(['one', 'two', 'three', 'four', 'done', '> '])).toEqual(['done\n', '> \n']);
    expect(follow.next(['one', 'two', 'three', 'four', 'done', '> '])).toEqual([]);
  });

  it('prints nothing of the first capture with a tail of 0, and all of it without a tail', () => {
    expect(new ScreenFollower(0).next(['a'])).toEqual([]);
    expect(new ScreenFollower().next(['a', 'b'])).toEqual(['a\n', 'b\n']);
  });
});

describe('joining the agent’s terminal', () => {
  it('runs the agent’s prelude, if any, then the agent with the user’s arguments', () => {
    expect(agentCommand(claude, ['--model', 'opus'])).toEqual([...claude.interactive, '--model', 'opus']);
    const withPrelude = agentCommand(codex, []);
    expect(withPrelude[2]).toMatch(/codex login --with-api-key.*; exec "\$@"$/);
    expect(withPrelude.slice(3)).toEqual(['codex', ...codex.interactive]);
  });

  it('passes the terminal and, to agents that size themselves by RAM, the memory limit', () => {
    const join = joinCommand(
      {
        agent: gemini,
        agentArgs: ['-m', 'x'],
        memoryBytes: 4 * 1024 ** 3,
        term: 'xterm-kitty',
        colorTerm: 'truecolor',
        size: { columns: 100, rows: 30 },
      },
      'c1',
    );
    expect(join.cmd.slice(0, 3)).toEqual([
      '/usr/local/bin/launch-agent-entrypoint',
      '/usr/local/bin/launch-agent-session',
      'attach',
    ]);
    expect(join.cmd.slice(-2)).toEqual(['-m', 'x']);
    expect(join.env).toEqual([
      'LAUNCH_AGENT_AGENT=gemini',
      'TERM=xterm-kitty',
      'LAUNCH_AGENT_SIZE=100x30',
      'LAUNCH_AGENT_CLIENT=c1',
      'COLORTERM=truecolor',
      'LAUNCH_AGENT_USER_ARGS=1',
      'NODE_OPTIONS=--max-old-space-size=2048',
    ]);
    const plain = joinCommand({
      agent: claude,
      agentArgs: [],
      memoryBytes: 0,
      term: undefined,
      colorTerm: undefined,
      size: { columns: 80, rows: 24 },
    });
    expect(plain.env.filter((e) => /^(TERM|NODE_OPTIONS|COLORTERM|LAUNCH_AGENT_USER_ARGS)=/.test(e))).toEqual(
      ['TERM=xterm-256color'],
    );
  });

  it('restores the host terminal’s modes, and leaves the alternate screen only when asked', () => {
    expect(terminalRestore(false)).not.toContain('\x1b[?1049l');
    expect(terminalRestore(true)).toContain('\x1b[?1049l');
    for (const mode of ['?1000l', '?1006l', '?2004l', '?25h']) expect(terminalRestore(false)).toContain(mode);
  });
});

describe('arguments after --', () => {
  const parse = (argv: string[], expected: number) => {
    let result: ReturnType<typeof splitAgentArgs> | undefined;
    const program = new Command('launch-agent').exitOverride();
    program.argument('[operands...]').action((operands: string[], _options: unknown, command: Command) => {
      result = splitAgentArgs(operands, command, expected);
    });
    program.parse(['node', 'launch-agent', ...argv]);
    return result;
  };

  it('go to the agent; before them, what the command takes', () => {
    expect(parse(['./repo', '--', '--model', 'opus'], 1)).toEqual({
      operands: ['./repo'],
      agentArgs: ['--model', 'opus'],
    });
    expect(parse(['--', '--model', 'opus'], 1)).toEqual({ operands: [], agentArgs: ['--model', 'opus'] });
    expect(parse(['./repo'], 1)).toEqual({ operands: ['./repo'], agentArgs: [] });
  });

  it('an extra argument without -- is a usage error that says where they go', () => {
    expect(() => parse(['./repo', 'opus'], 1)).toThrow(/unexpected argument `opus`/);
  });
});

describe('asking the activity on Podman (no keeper over attach)', () => {
  it('runs the keeper’s own check through exec', async () => {
    const { FakeEngine } = await import('../../helpers/fake-engine.js');
    const { askActivity } = await import('../../../src/core/sessions/activity.js');
    const engine = new (class extends FakeEngine {
      override async exec(id: string, options: ExecOptions): Promise<ExecResult> {
        const script = options.cmd[2] ?? '';
        const nonce = /\nactivity ([0-9a-f]+)$/.exec(script)?.[1];
        if (!nonce) return super.exec(id, options);
        return { exitCode: 0, stdout: `${KEEPER_MARK} ${nonce}+ tmux 1:3: ${now} ${now} - 0\n`, stderr: '' };
      }
    })([{ name: 'claude-app-x', keeper: true }]);
    engine.productName = 'Podman';
    expect(await askActivity(engine.asEngine(), 'id-claude-app-x')).toEqual({
      activity: 'exited',
      exitCode: 3,
    });
    expect(engine.attaches).toEqual([]);
  });
});
