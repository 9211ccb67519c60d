import type { Writable } from 'node:stream';

export interface LoggerOptions {
  verbose?: boolean;
  json?: boolean;
  stream?: Writable;
}

/**
 * The secrets of this process. One set, because `main.ts` masks its error output with it too,
 * and every Logger masks with it: whoever learns a secret registers it once.
 */
const secrets = new Set<string>();

/** Values shorter than 4 characters are not masked: they would blank out ordinary words. */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= 4) secrets.add(value);
}

export function maskSecrets(text: string): string {
  let out = text;
  // Longest first: a secret that contains another must not be left half shown.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    out = out.split(secret).join('********');
  return out;
}

/** A copy of a JSON-able value with every string masked; keys and structure stay as they are. */
export function maskJson(value: unknown): unknown {
  if (typeof value === 'string') return maskSecrets(value);
  if (Array.isArray(value)) return value.map(maskJson);
  const toJSON = (value as { toJSON?: unknown } | null)?.toJSON;
  if (typeof toJSON === 'function') return maskJson(toJSON.call(value));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskJson(item)]));
  }
  return value;
}

/** For tests: forget every registered secret. */
export function forgetSecrets(): void {
  secrets.clear();
}

/**
 * Everything human goes to stderr through here, so stdout stays the contract.
 * Registered secrets are masked in every line: no call site has to remember.
 */
export class Logger {
  readonly verbose: boolean;
  readonly json: boolean;
  readonly stream: Writable;

  constructor(options: LoggerOptions = {}) {
    this.verbose = options.verbose ?? false;
    this.json = options.json ?? false;
    this.stream = options.stream ?? process.stderr;
  }

  addSecret(value: string | undefined): void {
    registerSecret(value);
  }

  mask(text: string): string {
    return maskSecrets(text);
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
