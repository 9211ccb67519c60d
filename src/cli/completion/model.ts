import type { Argument, Command, Option } from 'commander';
import { AGENT_NAMES } from '../../agents/types.js';

/** What a value (an option's or a positional argument's) completes to. */
export type ValueKind =
  | { kind: 'words'; words: readonly string[] }
  | { kind: 'files' }
  | { kind: 'dirs' }
  | { kind: 'sessions'; suffix?: string; alsoFiles?: boolean }
  | { kind: 'commands' }
  | { kind: 'none' };

export interface OptionSpec {
  flags: string[];
  description: string;
  /** Undefined: the option takes no value. */
  value?: ValueKind;
}

export interface CommandSpec {
  names: string[];
  description: string;
  options: OptionSpec[];
  args: ValueKind[];
  /** The last argument repeats (`<names...>`). */
  variadic: boolean;
  subcommands: CommandSpec[];
}

export const COMPLETION_SHELLS = ['bash', 'zsh', 'pwsh'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

const optionValues = new WeakMap<Option, ValueKind>();
const argumentValues = new WeakMap<Command, ValueKind[]>();

/** Says what an option's value completes to, where its placeholder alone does not tell. */
export function completesWith(option: Option, words: readonly string[]): Option {
  optionValues.set(option, { kind: 'words', words });
  return option;
}

/** Says what a command's positional arguments complete to, where their names alone do not tell. */
export function argumentsComplete<T extends Command>(command: T, kinds: ValueKind[]): T {
  argumentValues.set(command, kinds);
  return command;
}

const WORDS = (words: readonly string[]): ValueKind => ({ kind: 'words', words });

/** By placeholder: `<agent>`, `<file>`, `<dir>`, `<shell>`; otherwise a value with nothing to offer. */
function optionValue(option: Option): ValueKind | undefined {
  if (!option.required && !option.optional) return undefined;
  const given = optionValues.get(option);
  if (given) return given;
  if (option.argChoices) return WORDS(option.argChoices);
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? '';
  if (placeholder === 'agent') return WORDS(AGENT_NAMES);
  if (placeholder === 'file') return { kind: 'files' };
  if (placeholder === 'dir') return { kind: 'dirs' };
  return { kind: 'none' };
}

/** By name: container names, the launch's SOURCE folder, agents, a shell, a command name, a file. */
function argumentValue(argument: Argument): ValueKind {
  const name = argument.name();
  if (['name', 'names', 'container'].includes(name)) return { kind: 'sessions' };
  if (name === 'source') return { kind: 'dirs' };
  if (name === 'agent' || name === 'agents') return WORDS(AGENT_NAMES);
  if (name === 'shell') return WORDS(COMPLETION_SHELLS);
  if (name === 'command' && !argument.variadic) return { kind: 'commands' };
  if (name === 'file') return { kind: 'files' };
  if (name === 'dir') return { kind: 'dirs' };
  return { kind: 'none' };
}

/** The completion model of a commander program: what `--help` shows, and nothing hidden. */
export function specOf(command: Command): CommandSpec {
  const hiddenCommand = (c: Command) => (c as unknown as { _hidden?: boolean })._hidden === true;
  const options: OptionSpec[] = command.options
    .filter((o) => !o.hidden)
    .map((o) => {
      const value = optionValue(o);
      return {
        flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
        description: o.description,
        ...(value ? { value } : {}),
      };
    });
  options.push({ flags: ['-h', '--help'], description: 'show help' });
  const args = argumentValues.get(command) ?? command.registeredArguments.map(argumentValue);
  return {
    names: [command.name(), ...command.aliases()],
    description: command.summary() || command.description(),
    options,
    args,
    variadic: command.registeredArguments.at(-1)?.variadic ?? false,
    subcommands: command.commands
      .filter((c) => !hiddenCommand(c))
      .map(specOf)
      // commander's `help [command]` is not in `commands`.
      .concat(command.commands.length > 0 ? [HELP_SPEC] : []),
  };
}

const HELP_SPEC: CommandSpec = {
  names: ['help'],
  description: 'show the help of a command',
  options: [],
  args: [{ kind: 'commands' }],
  variadic: false,
  subcommands: [],
};
