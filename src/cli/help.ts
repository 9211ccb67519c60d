import type { Command, Help } from 'commander';

import { EXAMPLES } from './examples.js';

/** Terms wider than this (e.g. `port <name> <container-port> [host-port]`) put their description on the next line. */
const TERM_COLUMN = 30;
/** Below this many columns for descriptions, they go under their terms. */
const MIN_DESCRIPTION = 36;

/**
 * How every `--help` reads: commands before options, options in their groups, examples last,
 * wrapped to the terminal's width (80 when it is not a terminal). Inherited by every subcommand.
 */
export function configureHelp(program: Command): void {
  program.configureHelp({
    minWidthToWrap: 20,
    subcommandTerm: (cmd) => {
      const args = cmd.registeredArguments.map((a) => {
        const name = `${a.name()}${a.variadic ? '...' : ''}`;
        return a.required ? `<${name}>` : `[${name}]`;
      });
      return [[cmd.name(), ...cmd.aliases()].join(', '), ...args].join(' ');
    },
    padWidth: (cmd, helper) =>
      Math.min(
        TERM_COLUMN,
        Math.max(
          helper.longestOptionTermLength(cmd, helper),
          helper.longestSubcommandTermLength(cmd, helper),
          helper.longestArgumentTermLength(cmd, helper),
        ),
      ),
    formatItem: (term, termWidth, description, helper) => formatItem(term, termWidth, description, helper),
    formatHelp: (cmd, helper) => formatHelp(cmd, helper),
  });
}

function formatItem(term: string, termWidth: number, description: string, helper: Help): string {
  const indent = '  ';
  if (!description) return indent + term;
  const width = helper.helpWidth ?? 80;
  // A narrow terminal gets each description under its term rather than a column too thin to read.
  const column =
    width - (indent.length + termWidth + 2) < MIN_DESCRIPTION ? 6 : indent.length + termWidth + 2;
  const wrapped = helper.boxWrap(description, width - column).split('\n');
  const pad = ' '.repeat(column);
  const first =
    helper.displayWidth(term) > termWidth || column === 6
      ? [`${indent}${term}`, `${pad}${wrapped[0]}`]
      : [`${indent}${term}${' '.repeat(termWidth - helper.displayWidth(term) + 2)}${wrapped[0]}`];
  return [...first, ...wrapped.slice(1).map((line) => pad + line)].join('\n');
}

function formatHelp(cmd: Command, helper: Help): string {
  const width = helper.helpWidth ?? 80;
  const termWidth = helper.padWidth(cmd, helper);
  const item = (term: string, description: string) => helper.formatItem(term, termWidth, description, helper);
  const section = (title: string, lines: string[]) =>
    lines.length === 0 ? [] : [helper.styleTitle(title), ...lines, ''];
  const out: string[] = [`${helper.styleTitle('Usage:')} ${helper.commandUsage(cmd)}`, ''];
  const description = helper.commandDescription(cmd);
  if (description) out.push(helper.boxWrap(description, width), '');

  // Commands first: at the top level they are what a reader is looking for.
  for (const [group, commands] of groups(helper.visibleCommands(cmd), (c) => c.helpGroup() || 'Commands:')) {
    out.push(
      ...section(
        group,
        commands.map((c) => item(helper.subcommandTerm(c), helper.subcommandDescription(c))),
      ),
    );
  }
  out.push(
    ...section(
      'Arguments:',
      helper.visibleArguments(cmd).map((a) => item(helper.argumentTerm(a), helper.argumentDescription(a))),
    ),
  );
  for (const [group, options] of groups(
    helper.visibleOptions(cmd),
    (o) => o.helpGroupHeading ?? 'Options:',
  )) {
    out.push(
      ...section(
        group,
        options.map((o) => item(helper.optionTerm(o), helper.optionDescription(o))),
      ),
    );
  }
  const list = EXAMPLES[commandPath(cmd)] ?? [];
  out.push(
    ...section(
      'Examples:',
      list.flatMap(([line, what]) => [
        `  ${line}`,
        ...helper
          .boxWrap(what, Math.max(width - 6, 30))
          .split('\n')
          .map((l) => `      ${l}`),
      ]),
    ),
  );
  return out.join('\n');
}

function groups<T>(items: readonly T[], groupOf: (item: T) => string): Map<string, T[]> {
  const result = new Map<string, T[]>();
  for (const item of items) {
    const group = groupOf(item);
    result.set(group, [...(result.get(group) ?? []), item]);
  }
  return result;
}

/** `images build` for that subcommand, '' for the program itself. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
