import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { GATE } from '../../container-paths.js';
import type { Engine } from '../../docker/engine.js';

/**
 * How the host's git reaches a gate: git's `ext::` transport runs a few lines of node that join
 * git's stdin/stdout to a unix socket this process serves; each connection becomes
 * `git upload-pack` of the gate in the container, over the engine's exec. So there is no network
 * between host and container and no bind mount, any engine works, and the git that writes into
 * the host repo may run as the repo's owner (who need not reach the engine's socket).
 */
export interface GateTransport extends AsyncDisposable {
  /** The `ext::` URL to fetch from. */
  url: string;
  /** What upload-pack in the container said on stderr (for error messages). */
  stderr(): string;
}

/** The relay git runs: stdin/stdout <-> the socket named by its one argument. */
const RELAY = [
  "const s=require('net').connect(process.argv[1]);",
  's.on("error",()=>process.exit(1));',
  's.on("close",()=>process.exit(0));',
  'process.stdin.pipe(s);',
  's.pipe(process.stdout);',
].join('');

export async function openGateTransport(
  engine: Engine,
  containerId: string,
  /** The repo's owner when git runs as them (root launching on another user's repo). */
  owner?: { uid: number; gid: number },
): Promise<GateTransport> {
  const dir = await mkdtemp(path.join(tmpdir(), 'launch-agent-gate-'));
  if (owner) await chown(dir, owner.uid, owner.gid);
  const socketPath = path.join(dir, 'gate.sock');
  let errors = '';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const stderr = new PassThrough().setEncoding('utf8');
    stderr.on('data', (chunk: string) => {
      errors += chunk;
    });
    engine
      .execStream(containerId, {
        cmd: ['git', 'upload-pack', '--strict', GATE],
        tty: false,
        stdin: socket,
        stdout: socket,
        stderr,
      })
      .catch((error: unknown) => {
        errors += `${String(error)}\n`;
      })
      .finally(() => socket.end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  if (owner) await chown(socketPath, owner.uid, owner.gid);
  else await chmod(socketPath, 0o600);
  return {
    url: `ext::${[process.execPath, '-e', RELAY, socketPath].map(extWord).join(' ')}`,
    stderr: () => errors,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One word of an `ext::` command: `% ` is a literal space, `%%` a literal percent sign. */
function extWord(word: string): string {
  return word.replace(/%/g, '%%').replace(/ /g, '% ');
}
