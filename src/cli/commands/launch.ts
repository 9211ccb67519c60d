import type { Command } from 'commander';
import type { AgentName } from '../../agents/types.js';
import { LaunchError } from '../../errors.js';
import { splitAgentArgs } from '../agent-args.js';
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
  network?: string;
  allow: string[];
  env: string[];
  secrets?: string;
  includeIgnored?: boolean;
  auth: string;
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

const collect = (value: string, previous: string[]) => [...previous, value];

/** The main job: `launch-agent [SOURCE] --agent NAME [-b FEATURE]`. */
export function registerLaunch(program: Command): void {
  program
    .argument('[source]', 'repository folder or URL (https://…, git@host:owner/repo, owner/repo); default: .')
    .argument('[agent-args...]', 'after `--`: arguments for the agent, e.g. -- --model opus')
    .option(
      '-a, --agent <name>',
      'claude, codex, copilot or gemini (default: config default_agent, else claude)',
    )
    .option('-b, --branch <feature>', 'work on branch <agent>/<feature> (default: a short unique id)')
    .option('--name <name>', 'container name (default: <agent>-<repo>-<feature>)')
    .option('--image <image>', 'use this image instead of building launch-agent/<agent>')
    .option('--base-image <image>', 'base image for the build (default: node:22-bookworm-slim)')
    .option('--ca-bundle <file>', 'extra CA certificates (PEM) for builds and the container')
    .option('--cpus <n>', 'CPU limit (default 2)')
    .option('--memory <size>', 'memory limit, e.g. 4g (default 4g)')
    .option('--pids <n>', 'process limit (default 512)')
    .option(
      '--network <mode>',
      'bridge (default), allowlist (listed hosts only, through a proxy) or none; config: [network] mode',
    )
    .option(
      '--allow <host>',
      'with --network allowlist: also allow HOST (or *.domain); repeatable',
      collect,
      [],
    )
    .option('-e, --env <KEY=VALUE>', 'set a (non-secret) variable; repeatable', collect, [])
    .option('--secrets <file>', 'secrets file (default ~/.config/launch-agent/secrets.env)')
    .option('--include-ignored', 'also copy files git ignores (.env, node_modules, …)')
    .option('--auth <mode>', 'ro: host logins read-only; rw: credential file read-write; none', 'ro')
    .option('-d, --detach', 'start and print, do not attach')
    .option('-p, --prompt <text>', 'run the agent headless on TEXT, stream its output, exit with its code')
    .option('--keep', 'with --prompt: keep the session even when it leaves no unpushed work')
    .option('--shell', 'open bash in /workspace instead of the agent')
    .option('--replace', 'remove an existing container of the same name first (its workspace too)')
    .option('--code', 'open VS Code attached to the container')
    .option('--json', 'print one JSON object describing the container (implies --detach)')
    .option('--dry-run', 'print the plan (names, mounts, user, engine) and create nothing')
    .option('--verbose', 'log details and timings on stderr')
    .action(async (source: string | undefined, rest: string[], flags: LaunchFlags, command: Command) => {
      const { operands, agentArgs } = splitAgentArgs(
        source === undefined ? rest : [source, ...rest],
        command,
        1,
      );
      const ctx = new CliContext(flags);
      const { runLaunch } = await import('./launch-run.js');
      await runLaunch(ctx, operands[0] ?? '.', flags, agentArgs);
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
