import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../../src/cli/examples.js';
import { buildProgram } from '../../../src/cli/main.js';

/** Every command with its path (`images build`), the program itself as ''. */
function allCommands(program: Command): Array<[string, Command]> {
  const out: Array<[string, Command]> = [['', program]];
  const walk = (command: Command, prefix: string) => {
    for (const sub of command.commands) {
      if ((sub as unknown as { _hidden?: boolean })._hidden) continue;
      const path = `${prefix}${sub.name()}`;
      out.push([path, sub]);
      walk(sub, `${path} `);
    }
  };
  walk(program, '');
  return out;
}

function helpAt(width: number | undefined, path: string): string {
  const commands = allCommands(buildProgram());
  for (const [, command] of commands) command.configureOutput({ getOutHelpWidth: () => width as number });
  const command = commands.find(([p]) => p === path)![1];
  return command.helpInformation();
}

describe('--help', () => {
  it('at the top: usage, then the commands, then the launch options in groups, then examples', () => {
    const text = helpAt(80, '');
    const at = (s: string) => text.indexOf(s);
    expect(at('Usage:')).toBe(0);
    expect(at('Working with agent containers:')).toBeLessThan(at('Source and branch:'));
    for (const group of [
      'Agent and image:',
      'Resources:',
      'Network:',
      'Logins, secrets and environment:',
      'Mode',
    ]) {
      expect(at(group), group).toBeGreaterThan(at('Source and branch:'));
    }
    expect(at('Examples:')).toBeGreaterThan(at('Output:'));
    expect(text).toMatch(/^ {2}help \[command\] /m);
    expect(text).toMatch(/^ {2}version /m);
  });

  it('wraps to the terminal width, 80 when unknown', () => {
    for (const width of [60, 80, 120]) {
      for (const [path] of allCommands(buildProgram())) {
        const lines = helpAt(width, path).split('\n');
        // A usage line and an example's command line stay whole whatever the width; at 80 they fit.
        const examples = lines.indexOf('Examples:');
        const wrappable = lines.filter(
          (l, i) =>
            width >= 80 || !(l.startsWith('Usage:') || (examples >= 0 && i > examples && /^ {2}\S/.test(l))),
        );
        const over = wrappable.filter((l) => l.length > width && /\s\S+\s/.test(l.trim()));
        expect(over, `${path || 'launch-agent'} at ${width}`).toEqual([]);
      }
    }
    const unknown = helpAt(undefined, '').split('\n');
    expect(Math.max(...unknown.map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('every command has two or three examples, and every example is of a command that exists', () => {
    const paths = allCommands(buildProgram()).map(([p]) => p);
    for (const path of paths) {
      const count = EXAMPLES[path]?.length ?? 0;
      expect(count >= 2 && count <= 3, `${path || 'launch-agent'}: ${count} examples`).toBe(true);
    }
    for (const key of Object.keys(EXAMPLES)) expect(paths, key).toContain(key);
  });

  it('a short flag means one thing across every command', () => {
    const meaning = new Map<string, Set<string>>();
    for (const [, command] of allCommands(buildProgram())) {
      for (const option of command.options) {
        if (!option.short || !option.long) continue;
        const longs = meaning.get(option.short) ?? new Set<string>();
        longs.add(option.long.replace(/^--no-/, '--'));
        meaning.set(option.short, longs);
      }
    }
    const clashes = [...meaning]
      .filter(([, longs]) => longs.size > 1)
      .map(([s, l]) => `${s}: ${[...l].join(', ')}`);
    expect(clashes).toEqual([]);
    expect([...meaning.get('-a')!]).toEqual(['--agent']);
  });
});
