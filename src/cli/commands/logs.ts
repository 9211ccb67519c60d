import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

interface LogsOptions extends CommonOptions {
  follow?: boolean;
  tail?: string;
}

export function registerLogs(program: Command): void {
  addCommonOptions(
    program
      .command('logs')
      .summary('what the agent printed')
      .description("print what the agent printed: its terminal's screen history, then its screen")
      .argument('<name>', 'container name or unambiguous prefix')
      .option('-f, --follow', 'keep printing lines as they settle on its screen, until Ctrl-C')
      .option('-n, --tail <lines>', 'only the last N lines'),
  ).action(async (name: string, options: LogsOptions) => {
    const ctx = new CliContext(options);
    const { sessionLogs } = await import('../../core/sessions.js');
    const { LaunchError } = await import('../../errors.js');
    const tail = options.tail === undefined ? undefined : Number(options.tail);
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) {
      throw new LaunchError('USAGE', `--tail must be a whole number, got \`${options.tail}\``);
    }
    const engine = await ctx.engine();
    const base = { ...(tail === undefined ? {} : { tail }) };
    if (ctx.json) {
      // One document: the output so far (no --follow with --json).
      const out = collect();
      const err = collect();
      await sessionLogs({ engine }, name, { ...base, stdout: out.stream, stderr: err.stream });
      ctx.print({ name, stdout: out.text(), stderr: err.text() }, () => '');
      return;
    }
    await sessionLogs({ engine }, name, {
      ...base,
      follow: options.follow ?? false,
      stdout: process.stdout,
      stderr: process.stderr,
    });
  });
}

function collect(): { stream: PassThrough; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
