import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

interface ConvertFlags extends CommonOptions {
  agent?: string;
  all?: boolean;
  out?: string;
}

export function registerMcp(program: Command): void {
  const mcp = program
    .command('mcp')
    .summary('the MCP servers each agent gets from config.toml')
    .description("MCP servers from config.toml, in each agent's own config format");

  addCommonOptions(
    mcp
      .command('convert [file]')
      .description(
        'print (or write with --out) what each agent gets from config.toml; FILE replaces the merged user + repo config',
      )
      .option('-a, --agent <agent>', 'only this agent')
      .option('--all', 'every agent (the default)')
      .option('--out <dir>', 'merge the files into DIR/<path in the home>, as the launch does'),
  ).action(async (file: string | undefined, flags: ConvertFlags) => {
    const ctx = new CliContext(flags);
    const { LaunchError } = await import('../../errors.js');
    if (flags.agent !== undefined && flags.all) {
      throw new LaunchError('USAGE', '--agent and --all exclude each other', { hint: 'pass one of them' });
    }
    const { agents, getAgent } = await import('../../agents/registry.js');
    const { hostFacts } = await import('../../config/paths.js');
    const { convertMcp } = await import('../../core/mcp.js');
    const result = await convertMcp({
      host: hostFacts(),
      repoDir: process.cwd(),
      ...(file === undefined ? {} : { file }),
      agents: flags.agent === undefined ? agents : [getAgent(flags.agent)],
      ...(flags.out === undefined ? {} : { outDir: flags.out }),
    });
    for (const warning of result.warnings) ctx.logger.warn(warning);
    ctx.print(result, () =>
      result.agents
        .flatMap((a) =>
          a.files.map((f) =>
            f.path ? `${a.agent}: wrote ${f.path}` : `# ${a.agent}: ~/${f.homePath}\n${f.content}`,
          ),
        )
        .join('\n'),
    );
  });

  addCommonOptions(
    mcp
      .command('list')
      .description(
        "show the merged servers (yours, then the repo's .launch-agent/config.toml), which agents get each, and the secrets they lack",
      )
      .option(
        '--secrets <file>',
        'judge missing variables against this secrets file (default: the user secrets file)',
      ),
  ).action(async (flags: CommonOptions & { secrets?: string }) => {
    const ctx = new CliContext(flags);
    const { hostFacts } = await import('../../config/paths.js');
    const { listMcp } = await import('../../core/mcp.js');
    const result = await listMcp({ host: hostFacts(), repoDir: process.cwd(), secretsFile: flags.secrets });
    for (const warning of result.warnings) ctx.logger.warn(warning);
    ctx.print(result, () => {
      if (result.servers.length === 0)
        return `no MCP servers (read: ${result.sources.join(', ') || 'no config.toml found'})`;
      const rows = result.servers.map((s) => [
        s.name,
        s.transport,
        s.agents.join(',') || '(disabled)',
        s.missing.length > 0 ? `${s.target}  (missing ${s.missing.join(', ')})` : s.target,
      ]);
      const widths = [0, 1, 2].map((i) =>
        Math.max(
          ...[['NAME', 'TRANSPORT', 'AGENTS'][i] ?? '', ...rows.map((r) => r[i] ?? '')].map((c) => c.length),
        ),
      );
      const line = (cells: string[]) =>
        cells.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c)).join('  ');
      return [line(['NAME', 'TRANSPORT', 'AGENTS', 'TARGET']), ...rows.map(line)].join('\n');
    });
  });
}
