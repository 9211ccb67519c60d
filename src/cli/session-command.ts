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
