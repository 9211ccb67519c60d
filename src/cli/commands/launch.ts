import { type Command, Option } from 'commander';
import type { AgentName } from '../../agents/types.js';
import { LaunchError } from '../../errors.js';
import { splitAgentArgs } from '../agent-args.js';
import { completesWith } from '../completion/model.js';
import { CliContext } from '../context.js';

interface LaunchFlags {
  agent?: string;
  branch?: string;
  name?: string;
  image?: string;
  baseImage?: string;
  caBundle?: string;
  cpus?: string;
  memory?: string;
  pids?: string;
  disk?: string;
  network?: string;
  allow?: string[];
  env?: string[];
  secrets?: string;
  includeIgnored?: boolean;
  auth?: string;
  detach?: boolean;
  prompt?: string;
  shell?: boolean;
  replace?: boolean;
  keep?: boolean;
  code?: boolean;
  json?: boolean;
  verbose?: boolean;
  dryRun?: boolean;
}

// No default on the option (it would show in --help): the first use starts the list.
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `values`: what TAB offers for the option's value. */
type OptionRow = [flags: string, description: string, extra?: { repeatable?: true; values?: string[] }];

/**
 * The launch's options as `--help` groups them. A new flag is one row in its group (or a new group);
 * LaunchFlags above gets its field.
 */
export const LAUNCH_OPTIONS: Array<[group: string, rows: OptionRow[]]> = [
  [
    'Source and branch:',
    [
      ['-b, --branch <feature>', 'work on branch <agent>/<feature> (default: a short unique id)'],
      ['--name <name>', 'container name (default: <agent>-<repo>-<feature>)'],
      ['--include-ignored', 'also copy files git ignores (.env, node_modules, …)'],
      ['--replace', 'remove a container of the same name first, unless it holds unpushed work'],
    ],
  ],
  [
    'Agent and image:',
    [
      [
        '-a, --agent <agent>',
        'claude, codex, copilot or gemini (default: config default_agent, else claude)',
      ],
      ['--image <image>', 'use this image instead of building launch-agent/<agent>'],
      ['--base-image <image>', 'base image for the build (default: node:22-bookworm-slim)'],
      ['--ca-bundle <file>', 'extra CA certificates (PEM) for builds and the container'],
    ],
  ],
  [
    'Resources:',
    [
      ['--cpus <n>', 'CPU limit (default: 2)'],
      ['--memory <size>', 'memory limit, e.g. 8g (default: 4g)'],
      ['--pids <n>', 'process limit (default: 512)'],
      ['--disk <size>', 'workspace size limit, e.g. 20g, where the engine storage can (docs/reliability.md)'],
    ],
  ],
  [
    'Network:',
    [
      [
        '--network <mode>',
        'bridge (default), allowlist (listed hosts only, through a proxy) or none; config: [network] mode',
        { values: ['bridge', 'allowlist', 'none'] },
      ],
      [
        '--allow <host>',
        'with --network allowlist: also allow HOST (or *.domain); repeatable',
        { repeatable: true },
      ],
    ],
  ],
  [
    'Logins, secrets and environment:',
    [
      [
        '--auth <mode>',
        'ro (default): host logins read-only; rw: the credential file read-write; none',
        { values: ['ro', 'rw', 'none'] },
      ],
      ['--secrets <file>', 'secrets file (default: ~/.config/launch-agent/secrets.env)'],
      [
        '-e, --env <KEY=VALUE>',
        'a non-secret variable (shows in docker inspect); repeatable',
        { repeatable: true },
      ],
    ],
  ],
  [
    'Mode (default: the agent in this terminal):',
    [
      ['-d, --detach', 'start, print how to reach it, and return'],
      ['-p, --prompt <text>', 'run the agent headless on TEXT, stream its output, exit with its code'],
      ['--keep', 'with --prompt: keep the session even when it leaves no unpushed work'],
      ['--shell', 'open bash in /workspace instead of the agent'],
      ['--code', 'also open VS Code attached to the container'],
      ['--dry-run', 'print the plan (names, mounts, user, engine) and create nothing'],
    ],
  ],
  [
    'Output:',
    [
      ['--json', 'print one JSON object describing the container (implies --detach)'],
      ['--verbose', 'log details and timings on stderr'],
    ],
  ],
];

/** The main job: `launch-agent [SOURCE] --agent NAME [-b FEATURE]`. */
export function registerLaunch(program: Command): void {
  program
    .argument(
      '[source]',
      'a folder inside a git work tree, or a URL: https://…, git@host:owner/repo, gh:owner/repo (default: .)',
    )
    .argument('[agent-args...]', 'after `--`: arguments for the agent, e.g. -- --model opus');
  for (const [group, rows] of LAUNCH_OPTIONS) {
    for (const [flags, description, extra] of rows) {
      const option = new Option(flags, description).helpGroup(group);
      if (extra?.repeatable) option.argParser(collect);
      if (extra?.values) completesWith(option, extra.values);
      program.addOption(option);
    }
  }
  program.action(async (source: string | undefined, rest: string[], flags: LaunchFlags, command: Command) => {
    const { operands, agentArgs } = splitAgentArgs(
      source === undefined ? rest : [source, ...rest],
      command,
      1,
    );
    const word = operands[0] ?? '.';
    const { checkSourceWord } = await import('../source-word.js');
    // The commands `--help` lists: hidden ones (the completion protocol) are never suggested.
    const listed = program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    checkSourceWord(word, ['help', ...listed.flatMap((c) => [c.name(), ...c.aliases()])]);
    const ctx = new CliContext(flags);
    const { runLaunch } = await import('./launch-run.js');
    await runLaunch(ctx, word, flags, agentArgs);
  });
}

export type { LaunchFlags };

export function modeOf(flags: LaunchFlags, interactive: boolean): 'attach' | 'detach' | 'prompt' | 'shell' {
  const chosen = [
    flags.detach && 'detach',
    flags.prompt !== undefined && 'prompt',
    flags.shell && 'shell',
  ].filter(Boolean) as Array<'detach' | 'prompt' | 'shell'>;
  if (chosen.length > 1) {
    throw new LaunchError(
      'USAGE',
      `choose one of --detach, --prompt and --shell, got ${chosen.map((c) => `--${c}`).join(' and ')}`,
      { hint: 'without any of them the agent attaches when this is a terminal' },
    );
  }
  if (chosen[0]) return chosen[0];
  if (flags.json) return 'detach';
  return interactive ? 'attach' : 'detach';
}

export function agentOf(flags: LaunchFlags, configured: string | undefined): AgentName {
  return (flags.agent ?? configured ?? 'claude') as AgentName;
}
