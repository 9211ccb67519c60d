import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';
import { table } from '../table.js';

interface EgressOptions extends CommonOptions {
  list?: boolean;
  follow?: boolean;
}

/** `egress NAME`: what an allowlist session's proxy allowed and refused, or (`--list`) what it allows. */
export function registerEgress(program: Command): void {
  addCommonOptions(
    program
      .command('egress')
      .summary("an allowlist session's hosts, allowed and refused")
      .description(
        'hosts an allowlist session reached and was refused (from its proxy log), or its allow-list',
      )
      .argument('<name>', 'container name or unambiguous prefix')
      .option('--list', 'the allowed hosts and where each came from')
      .option('-f, --follow', 'print each request as the proxy decides it, until Ctrl-C'),
  ).action(async (name: string, options: EgressOptions) => {
    const ctx = new CliContext(options);
    const core = await import('../../core/sessions/egress.js');
    const { LaunchError } = await import('../../errors.js');
    const engine = await ctx.engine();
    if (options.list) {
      const list = await core.egressAllowList(engine, name);
      ctx.print(list, () =>
        table(
          ['HOST', 'FROM'],
          list.allow.map((e) => [e.host, e.from]),
        ),
      );
      return;
    }
    if (options.follow) {
      if (ctx.json)
        throw new LaunchError('USAGE', '--json and --follow exclude each other', {
          hint: 'drop --json to follow',
        });
      await core.followEgress(engine, name, (e) =>
        process.stdout.write(
          `${e.time.slice(0, 19).replace('T', ' ')}  ${e.verdict.padEnd(7)}  ${e.host}${e.reason === 'port' ? '  (https only on port 443)' : ''}\n`,
        ),
      );
      return;
    }
    const report = await core.egressReport(engine, name);
    ctx.print(report, () => {
      if (report.allowed.length + report.refused.length === 0) return `${report.name}: no requests yet`;
      const row = (verdict: string, h: { host: string; count: number; last: string }) => [
        verdict,
        h.host,
        String(h.count),
        h.last.slice(0, 19).replace('T', ' '),
      ];
      return table(
        ['', 'HOST', 'REQUESTS', 'LAST (UTC)'],
        [...report.refused.map((h) => row('refused', h)), ...report.allowed.map((h) => row('allowed', h))],
      );
    });
  });
}
