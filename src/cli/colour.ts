import { type Command, Option } from 'commander';

/** `--color` / `--no-color` on the command line; `auto` when neither was given. */
export type ColourChoice = 'auto' | 'always' | 'never';

let choice: ColourChoice = 'auto';

/**
 * The last of `--color` / `--no-color` before `--` wins. Read from argv before commander parses, so
 * help, errors and every command see it; commander also declares both (addColourOptions) so they
 * are accepted anywhere.
 */
export function colourChoiceOf(argv: readonly string[]): ColourChoice {
  let found: ColourChoice = 'auto';
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg === '--no-color') found = 'never';
    else if (arg === '--color') found = 'always';
  }
  return found;
}

export function setColourChoice(value: ColourChoice): void {
  choice = value;
}

/**
 * Colour on a stream, by the usual rules in this order: `--no-color` / `--color`; `NO_COLOR` (any
 * non-empty value) off; `FORCE_COLOR` on (`0` or `false` off); off when the stream is not a
 * terminal or `TERM=dumb`.
 */
export function useColour(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
  given: ColourChoice = choice,
): boolean {
  if (given !== 'auto') return given === 'always';
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** A chalk for this stream that follows useColour (chalk alone ignores NO_COLOR). Loaded on demand. */
export async function chalkFor(stream: { isTTY?: boolean }) {
  const { Chalk } = await import('chalk');
  return new Chalk({ level: useColour(stream) ? 1 : 0 });
}

/** `--no-color` and `--color`: listed in the top-level help, accepted (hidden) by every command. */
export function addColourOptions(program: Command): void {
  const add = (command: Command, hidden: boolean) => {
    const never = new Option('--no-color', 'no colours (also: NO_COLOR=1)');
    const always = new Option('--color', 'colours even when not a terminal (also: FORCE_COLOR=1)');
    if (hidden) {
      never.hideHelp();
      always.hideHelp();
    }
    command.addOption(always).addOption(never);
    for (const sub of command.commands) add(sub, true);
  };
  add(program, false);
}
