import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

interface CodeOptions extends CommonOptions {
  open?: boolean;
}

export function registerCode(program: Command): void {
  addCommonOptions(
    program
      .command('code')
      .summary('open VS Code attached to the container')
      .description('open VS Code attached to the container at /workspace (Dev Containers)')
      .argument('<name>', 'container name or unambiguous prefix')
      .option('--no-open', 'only write the attached-container config and print the URI'),
  ).action(async (name: string, options: CodeOptions) => {
    const ctx = new CliContext(options);
    const { resolveSession } = await import('../../core/sessions.js');
    const { openInVsCode } = await import('../../core/sessions/vscode.js');
    const { hostFacts } = await import('../../config/paths.js');
    const session = await resolveSession(await ctx.engine(), name);
    // VS Code can only attach to a running container; the config and URI are still useful.
    const open = options.open !== false && session.running;
    const result = await openInVsCode(session.name, { host: hostFacts(), open });
    ctx.print(result, () => {
      if (result.opened) return `opened VS Code on ${session.name}:/workspace`;
      const lines = [`VS Code URI for ${session.name}:`, `  ${result.uri}`];
      if (!session.running)
        lines.push(`${session.name} is ${session.state}: \`launch-agent start ${session.name}\` first`);
      if (!result.code) {
        lines.push(
          'no `code` command on PATH: install VS Code with the Dev Containers extension, then run',
          `  ${result.command[0]} ${result.command[1]} '${result.uri}'`,
          '(in VS Code: Command Palette > "Shell Command: Install \'code\' command in PATH"),',
          'or use "Dev Containers: Attach to Running Container..." and pick this container.',
        );
      }
      return lines.join('\n');
    });
  });
}
