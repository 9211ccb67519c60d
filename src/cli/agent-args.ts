import type { Command } from 'commander';
import { LaunchError } from '../errors.js';

/**
 * Splits a command's operands at the command line's `--`: those after it are the agent's
 * (`launch-agent ./repo -- --model opus`, `attach NAME -- --resume`). At most `expected`
 * operands may come before it.
 */
export function splitAgentArgs(
  operands: readonly string[],
  command: Command,
  expected: number,
): { operands: string[]; agentArgs: string[] } {
  let root = command;
  while (root.parent) root = root.parent;
  const raw = (root as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv;
  const at = raw.indexOf('--');
  const after = at < 0 ? 0 : Math.min(raw.length - at - 1, operands.length);
  const before = operands.slice(0, operands.length - after);
  if (before.length > expected) {
    throw new LaunchError('USAGE', `unexpected argument \`${before[expected]}\``, {
      hint: 'arguments for the agent go after `--`, e.g. launch-agent ./repo -- --model opus',
    });
  }
  return { operands: before, agentArgs: operands.slice(operands.length - after) };
}
