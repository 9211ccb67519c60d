import type { CommandSpec, OptionSpec, ValueKind } from './model.js';

export interface Candidate {
  value: string;
  description?: string;
}

/** What the shell adds itself: file names, folder names, or nothing. */
export type Directive = 'files' | 'dirs' | 'none';

export interface Completion {
  candidates: Candidate[];
  directive: Directive;
}

export interface CompleteDeps {
  /** Container names with a short description; may be slow or fail (no engine): then none. */
  sessions(): Promise<Candidate[]>;
}

/**
 * The candidates for the last of `words` (the word being typed, maybe empty), after the ones
 * before it: walks subcommands and options as commander parses them. Pure apart from `sessions`.
 */
export async function complete(root: CommandSpec, words: string[], deps: CompleteDeps): Promise<Completion> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  let node = root;
  let positional = 0;
  let literal = false;
  let pendingValue: ValueKind | undefined;
  for (const word of before) {
    if (pendingValue) {
      pendingValue = undefined;
      continue;
    }
    if (!literal && word === '--') {
      literal = true;
      continue;
    }
    if (!literal && word.startsWith('-') && word.length > 1) {
      const option = findOption(node, word.split('=')[0]!);
      if (option?.value && !word.includes('=')) pendingValue = option.value;
      continue;
    }
    const sub = positional === 0 ? node.subcommands.find((c) => c.names.includes(word)) : undefined;
    if (sub) {
      node = sub;
      continue;
    }
    positional++;
  }

  if (pendingValue) return valueCandidates(pendingValue, current, '', root, deps);
  if (!literal && current.startsWith('--') && current.includes('=')) {
    const [flag] = current.split('=');
    const option = findOption(node, flag!);
    if (!option?.value) return nothing();
    return valueCandidates(option.value, current.slice(flag!.length + 1), `${flag}=`, root, deps);
  }
  if (!literal && current.startsWith('-')) {
    return {
      candidates: node.options
        .flatMap((o) => {
          const long = o.flags.find((f) => f.startsWith('--'));
          return long ? [{ value: long, description: o.description }] : [];
        })
        .filter((c) => c.value.startsWith(current)),
      directive: 'none',
    };
  }
  const commands =
    positional === 0 && node.subcommands.length > 0
      ? node.subcommands.flatMap((c) => c.names.map((n) => ({ value: n, description: c.description })))
      : [];
  const kind = argumentAt(node, positional);
  // A word that is clearly a path is not a command name.
  const pathLike = /^[.~/]/.test(current) || current.includes('/');
  const rest = kind
    ? await valueCandidates(kind, current, '', root, deps)
    : { candidates: [], directive: 'none' as const };
  return {
    candidates: [
      ...(pathLike ? [] : commands.filter((c) => c.value.startsWith(current))),
      ...rest.candidates,
    ],
    directive: rest.directive,
  };
}

function findOption(node: CommandSpec, flag: string): OptionSpec | undefined {
  return node.options.find((o) => o.flags.includes(flag));
}

function argumentAt(node: CommandSpec, index: number): ValueKind | undefined {
  if (index < node.args.length) return node.args[index];
  return node.variadic ? node.args.at(-1) : undefined;
}

async function valueCandidates(
  kind: ValueKind,
  current: string,
  prefix: string,
  root: CommandSpec,
  deps: CompleteDeps,
): Promise<Completion> {
  const matching = (candidates: Candidate[]) =>
    candidates
      .filter((c) => c.value.startsWith(current))
      .map((c) => ({ ...c, value: `${prefix}${c.value}` }));
  switch (kind.kind) {
    case 'words':
      return { candidates: matching(kind.words.map((w) => ({ value: w }))), directive: 'none' };
    case 'files':
      return { candidates: [], directive: 'files' };
    case 'dirs':
      return { candidates: [], directive: 'dirs' };
    case 'commands':
      return {
        candidates: matching(
          root.subcommands.flatMap((c) => c.names.map((n) => ({ value: n, description: c.description }))),
        ),
        directive: 'none',
      };
    case 'sessions': {
      const sessions = await deps.sessions().catch(() => []);
      const suffix = kind.suffix ?? '';
      return {
        candidates: matching(sessions.map((s) => ({ ...s, value: `${s.value}${suffix}` }))),
        directive: kind.alsoFiles ? 'files' : 'none',
      };
    }
    case 'none':
      return nothing();
  }
}

function nothing(): Completion {
  return { candidates: [], directive: 'none' };
}

/**
 * bash splits words at `=` and `:` (COMP_WORDBREAKS): `--agent=cl` arrives as `--agent`, `=`,
 * `cl`. Joined again here; `trim` is what bash's own current word lacks, to cut off candidates.
 */
export function joinBashWords(words: string[]): { words: string[]; trim: string } {
  const out: string[] = [];
  let lastJoined = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const isBreak = word === '=' || word === ':';
    if (isBreak && out.length > 0) {
      out[out.length - 1] += word + (words[i + 1] ?? '');
      lastJoined = true;
      i++;
      continue;
    }
    out.push(word);
    lastJoined = false;
  }
  const current = out.at(-1) ?? '';
  const cut = Math.max(current.lastIndexOf('='), current.lastIndexOf(':'));
  return { words: out, trim: lastJoined && cut >= 0 ? current.slice(0, cut + 1) : '' };
}

/** The protocol the shell scripts read: `value<TAB>description` lines, then `:files`, `:dirs` or `:none`. */
export function formatCompletion(completion: Completion, trim = ''): string {
  const lines = completion.candidates.map((c) => {
    const value = trim && c.value.startsWith(trim) ? c.value.slice(trim.length) : c.value;
    const description = (c.description ?? '').replace(/\s+/g, ' ').trim();
    return description ? `${value}\t${description}` : value;
  });
  return [...lines, `:${completion.directive}`].join('\n');
}
