import type { Logger } from './logger.js';

/** The conventional exit codes: 128 + the signal's number. */
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Name = keyof typeof SIGNALS;

/**
 * While a launch runs, SIGINT, SIGTERM and SIGHUP (a closed terminal) abort it; the launch then
 * removes what it created. Further signals during that cleanup are noted and ignored, so it is
 * never cut in half. `exitCode` is the code of the first signal, once one came.
 */
export class LaunchSignals implements Disposable {
  readonly controller = new AbortController();
  #first: Name | undefined;
  readonly #logger: Logger;
  readonly #handlers = new Map<Name, () => void>();

  constructor(logger: Logger) {
    this.#logger = logger;
    for (const name of Object.keys(SIGNALS) as Name[]) {
      const handler = () => this.#on(name);
      this.#handlers.set(name, handler);
      process.on(name, handler);
    }
  }

  get exitCode(): number | undefined {
    return this.#first && SIGNALS[this.#first];
  }

  #on(name: Name): void {
    if (this.#first) {
      this.#logger.warn(`${name}: still removing what this launch created; it ends by itself in a moment`);
      return;
    }
    this.#first = name;
    // A closed terminal: writing to it fails, which must not cut the cleanup short.
    if (name === 'SIGHUP')
      for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    this.#logger.warn(`${name === 'SIGINT' ? 'interrupted' : name}: removing what this launch created`);
    this.controller.abort();
  }

  [Symbol.dispose](): void {
    for (const [name, handler] of this.#handlers) process.off(name, handler);
    // The cleanup is done by now. A stray engine stream (seen once: a helper's attach outliving
    // its removal mid-start) must not keep an interrupted launcher alive; unref'd, so a process
    // with nothing left to do still exits at once on its own.
    const code = this.exitCode;
    if (code !== undefined) setTimeout(() => process.exit(code), 2000).unref();
  }
}
