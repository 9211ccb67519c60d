import type { Command } from 'commander';
import { packageVersion } from '../../util/package-root.js';
import { CliContext, type CommonOptions } from '../context.js';

export function registerVersion(program: Command): void {
  program
    .command('version')
    .summary('print the version')
    .description('print the version of launch-agent (with --json: also Node.js and the OS)')
    .option('--json', 'print one JSON document on stdout')
    .action((options: CommonOptions) => {
      const ctx = new CliContext(options);
      const version = packageVersion();
      ctx.print(
        { version, node: process.version, platform: `${process.platform} ${process.arch}` },
        () => version,
      );
    });
}
