import type { Command } from 'commander';
import { argumentsComplete, type ValueKind } from '../completion/model.js';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

/** `NAME:` of a container, or a host path. */
const CONTAINER_OR_FILE: ValueKind = { kind: 'sessions', suffix: ':', alsoFiles: true };

export function registerCp(program: Command): void {
  addCommonOptions(
    argumentsComplete(
      program
        .command('cp')
        .summary('copy files between the host and a container')
        .description(
          'copy files between a container and the host (NAME:PATH; relative paths start at /workspace)',
        )
        .argument('<source>', 'NAME:PATH or a host path')
        .argument('<target>', 'a host path or NAME:PATH'),
      [CONTAINER_OR_FILE, CONTAINER_OR_FILE],
    ),
  ).action(async (source: string, target: string, options: CommonOptions) => {
    const ctx = new CliContext(options);
    const copy = await import('../../core/sessions/copy.js');
    const { resolveSession } = await import('../../core/sessions.js');
    const plan = copy.parseCopyArgs(source, target);
    const engine = await ctx.engine();
    const session = await resolveSession(engine, plan.name);
    if (plan.direction === 'from-container') {
      await copy.copyFromContainer(engine, session.id, plan.containerPath, plan.hostPath);
    } else {
      const details = await engine.inspectContainer(session.id);
      await copy.copyToContainer(
        engine,
        session.id,
        plan.hostPath,
        plan.containerPath,
        copy.ownerOf(details?.user ?? ''),
      );
    }
    const result = { ...plan, name: session.name };
    ctx.print(result, () =>
      plan.direction === 'from-container'
        ? `copied ${session.name}:${plan.containerPath} to ${plan.hostPath}`
        : `copied ${plan.hostPath} to ${session.name}:${plan.containerPath}`,
    );
  });
}
