import type { Ora } from 'ora';
import type { ProgressFn } from '../core/progress.js';
import type { Logger } from './logger.js';

export type { ProgressEvent, ProgressFn } from '../core/progress.js';

/**
 * A spinner on stderr when it is a TTY and not `--json`; otherwise one plain line per step
 * start/end in `--verbose` mode and nothing else. With `--verbose` each step reports its time.
 */
export class Progress implements Disposable {
  readonly #logger: Logger;
  readonly #spinner: Ora | undefined;
  #step: string | undefined;
  #started = 0;

  /** ora is loaded only when a spinner will show: it costs ~100 ms of start-up otherwise. */
  static async create(logger: Logger, options: { interactive?: boolean } = {}): Promise<Progress> {
    // A terminal that reports no width (some pseudo-terminals) makes spinners redraw endlessly.
    const interactive =
      options.interactive ??
      (Boolean(process.stderr.isTTY) && (process.stderr.columns ?? 0) > 0 && !logger.json);
    if (!interactive) return new Progress(logger, undefined);
    const { default: ora } = await import('ora');
    return new Progress(logger, ora({ stream: process.stderr, discardStdin: false }));
  }

  private constructor(logger: Logger, spinner: Ora | undefined) {
    this.#logger = logger;
    this.#spinner = spinner;
  }

  readonly report: ProgressFn = (event) => {
    const text = this.#oneLine(this.#logger.mask(event.message));
    const state = event.state ?? 'update';
    if (state === 'start' || (this.#step !== event.step && state === 'update')) {
      this.#step = event.step;
      this.#started = performance.now();
      if (this.#spinner) this.#spinner.start(text);
      else this.#logger.debug(`${event.step}: ${text}`);
      return;
    }
    if (state === 'update') {
      if (this.#spinner) this.#spinner.text = text;
      return;
    }
    const ms = Math.round(performance.now() - this.#started);
    const suffix = this.#logger.verbose ? ` (${ms} ms)` : '';
    if (this.#spinner) {
      if (state === 'done') this.#spinner.succeed(`${text}${suffix}`);
      else this.#spinner.fail(text);
    } else if (state === 'done') {
      this.#logger.debug(`${event.step}: ${text}${suffix}`);
    }
    this.#step = undefined;
  };

  /** A spinner redraws one line: multi-line or over-wide text would scroll the terminal. */
  #oneLine(text: string): string {
    const line =
      text
        .split(/\r?\n|\r/)
        .filter((l) => l.trim() !== '')
        .at(-1) ?? '';
    const width = Math.max(20, (process.stderr.columns ?? 80) - 4);
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  }

  [Symbol.dispose](): void {
    if (this.#spinner?.isSpinning) this.#spinner.stop();
  }
}
