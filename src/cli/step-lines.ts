import type { CliContext } from './context.js';
import type { ProgressFn } from './progress.js';

/** Without a spinner (CI logs, pipes) a build still says which layer starts and ends, on stderr. */
export function stepLines(ctx: CliContext, report: ProgressFn): ProgressFn {
  if (process.stderr.isTTY || ctx.logger.verbose) return report;
  return (event) => {
    report(event);
    if (event.state && event.state !== 'update') ctx.logger.info(event.message);
  };
}
