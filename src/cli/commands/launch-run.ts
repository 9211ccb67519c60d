import { getAgent } from '../../agents/registry.js';
import { hostFacts } from '../../config/paths.js';
import { readUserConfig } from '../../config/user-config.js';
import type { DryRunPlan } from '../../core/launch/dry-run.js';
import { type LaunchResult, launch } from '../../core/launch.js';
import type { AuthMode, LaunchOptions } from '../../core/plan.js';
import { ENTRYPOINT, WORKSPACE } from '../../core/plan.js';
import { devcontainerMetadataLabel, openInVsCode, vscodeUri } from '../../core/sessions/vscode.js';
import type { Engine } from '../../docker/engine.js';
import { isLaunchError, LaunchError } from '../../errors.js';
import { launchMcpTransform } from '../../mcp/launch.js';
import { packageVersion } from '../../util/package-root.js';
import type { CliContext } from '../context.js';
import { LaunchSignals } from '../launch-signals.js';
import { runInTerminal } from '../terminal.js';
import { agentOf, type LaunchFlags, modeOf } from './launch.js';

export async function runLaunch(
  ctx: CliContext,
  source: string,
  flags: LaunchFlags,
  agentArgs: string[] = [],
): Promise<void> {
  const host = hostFacts();
  const defaults = await readUserConfig(host);
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const mode = modeOf(flags, interactive);
  const auth = (flags.auth ?? 'ro') as AuthMode;
  if (!['ro', 'rw', 'none'].includes(auth)) {
    throw new LaunchError('USAGE', `--auth must be ro, rw or none, got \`${flags.auth}\``, {
      hint: 'ro (default) mounts host logins read-only; rw lets token refreshes reach the host; none mounts nothing',
    });
  }
  const options: LaunchOptions = {
    source,
    agent: agentOf(flags, defaults.defaultAgent),
    mode,
    auth,
    env: flags.env ?? [],
    includeIgnored: flags.includeIgnored ?? false,
    replace: flags.replace ?? false,
    ...definedOnly({
      feature: flags.branch,
      name: flags.name,
      image: flags.image,
      // The image settings (src/core/images/settings.ts) apply config.toml and env to these.
      baseImage: flags.baseImage,
      caBundle: flags.caBundle,
      cpus: flags.cpus ?? defaults.cpus,
      memory: flags.memory ?? defaults.memory,
      pids: flags.pids ?? defaults.pids,
      disk: flags.disk ?? defaults.disk,
      network: flags.network ?? defaults.network,
      allow: flags.allow?.length ? flags.allow : undefined,
      secretsFile: flags.secrets,
      prompt: flags.prompt,
    }),
  };

  const engine = await ctx.engine();
  if (flags.dryRun) {
    const { planDryRun } = await import('../../core/launch/dry-run.js');
    const plan = await planDryRun(options, { host, endpoint: engine.endpoint });
    ctx.print(plan, () => renderDryRun(plan));
    return;
  }
  let result: LaunchResult;
  let signalled: number | undefined;
  {
    // SIGINT, SIGTERM, SIGHUP during the launch: it removes what it made; the exit code names the
    // signal. Only during it: after, a closed terminal ends the launcher as it always did.
    using signals = new LaunchSignals(ctx.logger);
    using progress = await ctx.progress();
    try {
      result = await launch(options, {
        engine,
        host,
        launcherVersion: packageVersion(),
        homeTransform: launchMcpTransform(host, (message) => ctx.logger.warn(message)),
        extraLabels: { 'devcontainer.metadata': devcontainerMetadataLabel() },
        onProgress: progress.report,
        warn: (message) => ctx.logger.warn(message),
        debug: (message) => ctx.logger.debug(message),
        signal: signals.controller.signal,
      });
    } catch (error) {
      if (signals.exitCode !== undefined && isLaunchError(error) && error.code === 'INTERRUPTED') {
        throw new LaunchError(error.code, error.message, {
          hint: error.hint ?? '',
          exitCode: signals.exitCode,
        });
      }
      throw error;
    }
    signalled = signals.exitCode;
  }
  // A signal as the launch finished: the session is whole and stays; we stop here.
  if (signalled !== undefined) {
    process.exitCode = signalled;
    return;
  }

  await ctx.ensureWatcher();
  const summary = { ...result, vscodeUri: vscodeUri(result.name) };
  // stdout belongs to the container's description when detached (or --json), else to the agent;
  // a --prompt run's --json document comes after the run, with what became of the session.
  if (mode === 'prompt' && ctx.json) process.stderr.write(`${describe(result, mode)}\n`);
  else if (ctx.json || mode === 'detach') ctx.print(summary, () => describe(result, mode));
  else process.stderr.write(`${describe(result, mode)}\n`);
  if (flags.code) {
    const vscode = await openInVsCode(result.name, { host });
    if (!vscode.opened)
      ctx.logger.warn(`\`code\` is not on PATH; open VS Code with: ${vscode.command.join(' ')}`);
  }

  if (mode === 'detach') return;
  if (mode === 'prompt') {
    await runPrompt(ctx, engine, result, options, { agentArgs, keep: flags.keep ?? false, summary });
    return;
  }
  if (mode === 'shell') {
    await runInTerminal(engine, result.id, [ENTRYPOINT, 'bash', '-l'], { workingDir: WORKSPACE });
    process.stderr.write(
      `\n${result.name} keeps running: \`launch-agent attach ${result.name}\` starts the agent, \`launch-agent rm ${result.name}\` when done\n`,
    );
    return;
  }
  const { afterJoin, joinAgent } = await import('../join.js');
  const outcome = await joinAgent(engine, result, {
    agentArgs,
    say: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`\n${afterJoin(result.name, outcome)}\n`);
  // As attach: the agent's exit code when it ended while joined.
  if (outcome.activity?.activity === 'exited') process.exitCode = outcome.activity.exitCode ?? 1;
}

/** `--prompt`: the agent headless, its output on stdout; then the session goes unless it holds work. */
async function runPrompt(
  ctx: CliContext,
  engine: Engine,
  result: LaunchResult,
  options: LaunchOptions,
  run: { agentArgs: string[]; keep: boolean; summary: object },
): Promise<void> {
  const agent = getAgent(result.agent);
  const { cleanUpPromptRun, workFingerprint } = await import('../../core/sessions/prompt-run.js');
  const before = await workFingerprint(engine, result.id).catch((error: unknown) => {
    ctx.logger.debug(`workspace before the run: ${String(error)}`);
    return undefined;
  });
  const memoryBytes = (await engine.inspectContainer(result.id))?.memoryBytes ?? 0;
  const env = Object.entries(agent.agentEnv?.({ memoryBytes }) ?? {});
  const code = await runInTerminal(
    engine,
    result.id,
    [ENTRYPOINT, ...agent.headless(options.prompt ?? ''), ...run.agentArgs],
    {
      workingDir: WORKSPACE,
      ...(env.length > 0 ? { env: env.map(([key, value]) => `${key}=${value}`) } : {}),
      // With --json, stdout holds the one JSON document.
      ...(ctx.json ? { stdout: process.stderr } : {}),
    },
  );
  const cleanup = await cleanUpPromptRun(engine, result, before, { keep: run.keep });
  if (cleanup.kept) ctx.logger.info(cleanup.kept);
  if (ctx.json) ctx.print({ ...run.summary, prompt: { exitCode: code, ...cleanup } }, () => '');
  process.exitCode = code;
}

function describe(result: LaunchResult, mode: string): string {
  const lines = [
    `${result.name} is ready (${result.agent}, branch ${result.branch})`,
    `  workspace  ${result.workspace.path} (volume ${result.workspace.volume}, ${result.copied.files} files)`,
    `  push       git push  -> lands in ${result.repo} as ${result.branch}`,
  ];
  if (result.network === 'allowlist')
    lines.push(
      `  network    allowlist: listed hosts only; \`launch-agent egress ${result.name}\` shows what was refused`,
    );
  if (mode === 'detach') {
    lines.push(
      `  attach     launch-agent attach ${result.name}`,
      `  shell      launch-agent shell ${result.name}`,
    );
  }
  return lines.join('\n');
}

function definedOnly<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function renderDryRun(plan: DryRunPlan): string {
  const mounts = plan.mounts.map(
    (m) => `    ${m.type.padEnd(6)} ${m.source} -> ${m.target}${m.readOnly ? ' (read-only)' : ''}`,
  );
  return [
    `would launch ${plan.name} (${plan.agent}, branch ${plan.branch}) from ${plan.repo}; nothing created`,
    `  user     ${plan.user}`,
    `  network  ${plan.network}`,
    `  engine   ${plan.engine.url} (${plan.engine.source})`,
    '  mounts',
    ...mounts,
    ...plan.notes.map((note) => `  note     ${note}`),
  ].join('\n');
}
