import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The host's tmux, on a socket of this test process: a real terminal the launcher runs in. */
const SOCKET = `la-e2e-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' }).trimEnd();
}

export function hostTmuxMissing(): string | undefined {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tmux is not installed on the host (.ci/run installs it): the session tests drive a real terminal with it';
  }
}

/**
 * One terminal window running `command` in bash with `env`; when the command ends, the window
 * shows `LEFT=<exit code>` and stays, as a user's shell would.
 */
export class HostTerminal {
  readonly name: string;

  constructor(
    name: string,
    command: string,
    env: NodeJS.ProcessEnv,
    size: { columns: number; rows: number } = { columns: 110, rows: 32 },
  ) {
    this.name = name;
    const script = path.join(os.tmpdir(), `${SOCKET}-${name}.sh`);
    const exports = Object.entries(env)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `export ${key}=${shellQuote(value!)}`);
    writeFileSync(script, [...exports, command, 'echo "LEFT=$?"', 'exec sleep 3600', ''].join('\n'));
    tmux(
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      `bash ${script}`,
    );
  }

  /** The screen as text. */
  text(): string {
    return tmux('capture-pane', '-p', '-J', '-t', this.name);
  }

  /** Terminal modes of the window (tmux formats: alternate_on, mouse_any_flag, ...). */
  flag(format: string): string {
    return tmux('display-message', '-p', '-t', this.name, `#{${format}}`);
  }

  keys(...keys: string[]): void {
    tmux('send-keys', '-t', this.name, ...keys);
  }

  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.text();
      if (pattern.test(text)) return text;
      if (Date.now() > deadline)
        throw new Error(`${this.name}: no ${pattern} on the screen after ${timeoutMs} ms:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Closes the window: its processes get SIGHUP, as when a user closes a terminal. */
  close(): void {
    tmux('kill-session', '-t', this.name);
  }
}

export function closeAllTerminals(): void {
  try {
    tmux('kill-server');
  } catch {
    // none left
  }
  // The server's socket and the windows' scripts.
  const uid = process.getuid?.() ?? 0;
  rmSync(path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${uid}`, SOCKET), { force: true });
  for (const file of readdirSync(os.tmpdir())) {
    if (file.startsWith(`${SOCKET}-`)) rmSync(path.join(os.tmpdir(), file), { force: true });
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
