import type { Writable } from 'node:stream';

export interface LoggerOptions {
  verbose?: boolean;
  json?: boolean;
  stream?: Writable;
}

/**
 * Everything human goes to stderr through here, so stdout stays the contract.
 * Registered secrets are masked in every line: no call site has to remember.
 */
export class Logger {
  readonly verbose: boolean;
  readonly json: boolean;
  readonly stream: Writable;
  readonly #secrets = new Set<string>();

  constructor(options: LoggerOptions = {}) {
    this.verbose = options.verbose ?? false;
    this.json = options.json ?? false;
    this.stream = options.stream ?? process.stderr;
  }

  /** Values shorter than 4 characters are not masked: they would blank out ordinary words. */
  addSecret(value: string | undefined): void {
    if (value !== undefined && value.length >= 4) this.#secrets.add(value);
  }

  mask(text: string): string {
    let out = text;
    // Longest first: a secret that contains another must not be left half shown.
    const secrets = [...this.#secrets].sort((a, b) => b.length - a.length);
    for (const secret of secrets) out = out.split(secret).join('********');
    return out;
  }

  info(message: string): void {
    this.#write(message);
  }

  warn(message: string): void {
    this.#write(`warning: ${message}`);
  }

  debug(message: string): void {
    if (this.verbose) this.#write(`debug: ${message}`);
  }

  #write(message: string): void {
    this.stream.write(`${this.mask(message)}\n`);
  }
}
