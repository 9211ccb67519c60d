import { parseTemplate } from './env-ref.js';

/** POSIX single-quoting: safe for any literal text. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Builds an `sh -c` script that resolves `${VAR}` / `${VAR:-default}` at run time inside the
 * container, for agents that cannot reference env vars in a field. Literals stay single-quoted and
 * defaults are assigned in a prelude, so no config text is ever parsed by the shell.
 */
export class ShellScript {
  readonly #prelude: string[] = [];
  #defaults = 0;

  /** One shell word equal to `template` once its references are resolved. */
  word(template: string): string {
    const parts = parseTemplate(template).map((s) => {
      if (typeof s === 'string') return shellQuote(s);
      if (s.default === undefined) return `"\${${s.name}}"`;
      const local = `_la_default_${++this.#defaults}`;
      this.#prelude.push(
        `${local}="\${${s.name}:-}"; [ -n "$${local}" ] || ${local}=${shellQuote(s.default)};`,
      );
      return `"$${local}"`;
    });
    return parts.length === 0 ? "''" : parts.join('');
  }

  prelude(): string {
    return this.#prelude.map((line) => `${line} `).join('');
  }

  /** `export K=...; [cd DIR &&] exec CMD ARGS...` with every value resolved at run time. */
  exec(options: { command: string; args: string[]; env?: Record<string, string>; cwd?: string }): string {
    const exports = Object.entries(options.env ?? {}).map(
      ([key, value]) => `export ${key}=${this.word(value)};`,
    );
    const cd = options.cwd === undefined ? '' : `cd ${this.word(options.cwd)} && `;
    const exec = `${cd}exec ${[options.command, ...options.args].map((a) => this.word(a)).join(' ')}`;
    return [...this.#prelude, ...exports, exec].join(' ');
  }
}

/**
 * Runs `command args` from `cwd`, for agents whose config has no working-directory field; the
 * command and args stay separate so the agent still expands its own references in them.
 */
export function withCwd(command: string, args: string[], cwd: string): { command: string; args: string[] } {
  const script = new ShellScript();
  const cd = script.word(cwd);
  return { command: 'sh', args: ['-c', `${script.prelude()}cd ${cd} && exec "$0" "$@"`, command, ...args] };
}
