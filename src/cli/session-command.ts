import type { CliContext, CommonOptions } from './context.js';

export interface SessionRunOptions extends CommonOptions {
  tty?: boolean;
  workdir?: string;
}

/**
 * Shared by shell, attach and exec: resolve, require running, run through the entrypoint (so
 * the secrets are loaded). The container's exit code becomes ours; `--json` captures the output.
 */
export async function runSessionCommand(
  ctx: CliContext,
  kind: 'shell' | 'attach' | 'exec',
  name: string,
  userCmd: string[],
  options: SessionRunOptions,
): Promise<void> {
  const core = await import('../core/sessions.js');
  const engine = await ctx.engine();
  const session = await core.resolveSession(engine, name);
  core.requireRunning(session);
  await ctx.ensureWatcher();
  const cmd = await core.sessionCommand(kind, session, userCmd);
  const workingDir = options.workdir ?? core.WORKSPACE_DIR;
  ctx.logger.debug(`${session.name}: ${cmd.join(' ')}`);
  if (ctx.json) {
    const result = await engine.exec(session.id, { cmd, workingDir });
    ctx.print({ name: session.name, ...result }, () => '');
    process.exitCode = result.exitCode;
    return;
  }
  const { runInTerminal } = await import('./terminal.js');
  const exitCode = await runInTerminal(engine, session.id, cmd, {
    workingDir,
    ...(options.tty === undefined ? {} : { tty: options.tty }),
  });
  process.exitCode = exitCode;
}

/**
 * `attach`: joins the agent's terminal session from this terminal; without one (a script,
 * `--no-tty`, `--json`) it starts the agent when none runs and returns. Containers launched
 * before agent sessions run the agent through a plain exec, as then.
 */
export async function runAttach(
  ctx: CliContext,
  name: string,
  agentArgs: string[],
  options: SessionRunOptions,
): Promise<void> {
  const core = await import('../core/sessions.js');
  const engine = await ctx.engine();
  const session = await core.resolveSession(engine, name);
  core.requireRunning(session);
  if (!session.agentSession) {
    await runSessionCommand(ctx, 'attach', name, agentArgs, options);
    return;
  }
  await ctx.ensureWatcher();
  const terminal = options.tty ?? Boolean(process.stdin.isTTY && process.stdout.isTTY);
  if (!terminal || ctx.json) {
    const { startAgent } = await import('../core/sessions/start-agent.js');
    const started = await startAgent(engine, session, agentArgs, process.env.COLORTERM);
    if (started.login) ctx.logger.info(started.login);
    ctx.print(started, () =>
      started.started
        ? `started the agent in ${session.name}: join it from a terminal with \`launch-agent attach ${session.name}\``
        : `the agent in ${session.name} is already running (${started.activity}): join it from a terminal with \`launch-agent attach ${session.name}\``,
    );
    return;
  }
  const { afterJoin, joinAgent } = await import('./join.js');
  const outcome = await joinAgent(engine, session, {
    agentArgs,
    say: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`\n${afterJoin(session.name, outcome)}\n`);
  process.exitCode = outcome.activity?.activity === 'exited' ? (outcome.activity.exitCode ?? 1) : 0;
}
