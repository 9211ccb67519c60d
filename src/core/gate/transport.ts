import { GATE } from '../../container-paths.js';
import type { Engine } from '../../docker/engine.js';
import { LaunchError } from '../../errors.js';
import { packagePath } from '../../util/package-root.js';

/** The hidden command git runs (through `ext::`) to reach a gate. */
export const GATE_PIPE_COMMAND = '_gate-pipe';

/**
 * The URL the host's git fetches a session's gate from: git's `ext::` transport runs our own
 * command, which joins git's stdin/stdout to `git upload-pack` in the container over the
 * engine's exec. No network between host and container, no bind mount, any engine.
 */
export function gateTransport(containerId: string): string {
  const words = [
    process.execPath,
    packagePath('bin', 'launch-agent.js'),
    GATE_PIPE_COMMAND,
    containerId,
    '%S',
    GATE,
  ];
  // ext:: splits on spaces; `% ` is a literal one, `%%` a literal percent sign.
  return `ext::${words.map((w) => (w === '%S' ? w : w.replace(/%/g, '%%').replace(/ /g, '% '))).join(' ')}`;
}

/**
 * The pipe itself: `git upload-pack <gate>` in the container, wired to this process's stdio.
 * Only upload-pack (reading) is served, only for the gate.
 */
export async function runGatePipe(
  engine: Engine,
  containerId: string,
  service: string,
  path: string,
): Promise<number> {
  if (service !== 'git-upload-pack' || path !== GATE) {
    throw new LaunchError(
      'USAGE',
      `${GATE_PIPE_COMMAND} serves only git-upload-pack of ${GATE}, got ${service} ${path}`,
    );
  }
  return engine.execStream(containerId, {
    cmd: ['git', 'upload-pack', '--strict', GATE],
    tty: false,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
