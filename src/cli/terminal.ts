import type { Engine } from '../docker/engine.js';

/**
 * Runs a command in a container wired to this terminal: raw mode and window resizes with a TTY,
 * plain pipes without one (scripts). Resolves with the command's exit code; the terminal is
 * always restored. Shared by the launch (attach/--shell/--prompt) and shell/attach/exec.
 */
export async function runInTerminal(
  engine: Engine,
  containerId: string,
  cmd: string[],
  options: {
    workingDir?: string;
    tty?: boolean;
    stdout?: NodeJS.WritableStream;
    env?: string[];
    detachKeys?: string;
  } = {},
): Promise<number> {
  const stdin = process.stdin;
  const tty = options.tty ?? Boolean(stdin.isTTY && process.stdout.isTTY);
  const size = () => ({ rows: process.stdout.rows || 24, columns: process.stdout.columns || 80 });
  let onResize: (() => void) | undefined;
  const wasRaw = tty ? stdin.isRaw : false;
  if (tty) stdin.setRawMode(true);
  try {
    return await engine.execStream(containerId, {
      cmd,
      ...(options.workingDir ? { workingDir: options.workingDir } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.detachKeys ? { detachKeys: options.detachKeys } : {}),
      tty,
      stdin,
      stdout: (options.stdout ?? process.stdout) as NodeJS.WriteStream,
      stderr: process.stderr,
      ...(tty ? { size: size() } : {}),
      onResize: (resize) => {
        if (!tty) return;
        onResize = () => void resize(size());
        process.stdout.on('resize', onResize);
      },
    });
  } finally {
    if (onResize) process.stdout.off('resize', onResize);
    if (tty) stdin.setRawMode(wasRaw);
    stdin.pause();
  }
}
