import net from 'node:net';
import { Writable } from 'node:stream';
import type { Engine } from '../../docker/engine.js';
import { LaunchError, messageOf } from '../../errors.js';

/**
 * Runs in the container for each connection: joins its stdin/stdout to 127.0.0.1:PORT there.
 * Traffic never goes to the container's IP (containers on `--network none` have none).
 */
export function relayCommand(containerPort: number): string[] {
  const script = [
    `const s=require('net').connect(${containerPort},'127.0.0.1');`,
    'process.stdin.pipe(s);s.pipe(process.stdout);',
    "s.on('error',e=>{process.stderr.write(e.message);process.exit(1)});",
    "s.on('close',()=>process.exit(0));",
  ].join('');
  return ['node', '-e', script];
}

export function parsePort(text: string, what: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LaunchError('USAGE', `${what} must be a port number 0-65535, got \`${text}\``);
  }
  return port;
}

export interface PortForward {
  /** The host port actually bound (useful when 0 asked for any free one). */
  hostPort: number;
  hostAddress: string;
  containerPort: number;
  close(): Promise<void>;
}

export interface PortForwardOptions {
  containerPort: number;
  /** Defaults to the container port; 0 picks a free one. */
  hostPort?: number;
  hostAddress?: string;
  /** A connection that failed inside the container (nothing listening, relay crashed). */
  onError?: (message: string) => void;
}

/** Listens on 127.0.0.1:hostPort; each accepted connection becomes one relay exec in the container. */
export async function forwardPort(
  engine: Engine,
  containerId: string,
  options: PortForwardOptions,
): Promise<PortForward> {
  const hostAddress = options.hostAddress ?? '127.0.0.1';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    relay(engine, containerId, options.containerPort, socket).then(
      (message) => {
        if (message) options.onError?.(message);
      },
      (error: unknown) => {
        options.onError?.(messageOf(error));
        socket.destroy();
      },
    );
  });
  const wanted = options.hostPort ?? options.containerPort;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new LaunchError(
          'USAGE',
          `cannot listen on ${hostAddress}:${wanted}: ${error.code ?? error.message}`,
          {
            hint:
              error.code === 'EADDRINUSE'
                ? 'pick another host port: launch-agent port NAME CONTAINER_PORT HOST_PORT'
                : 'pick a port above 1023',
            cause: error,
          },
        ),
      ),
    );
    server.listen(wanted, hostAddress, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    hostPort: address.port,
    hostAddress,
    containerPort: options.containerPort,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Resolves with the relay's complaint (e.g. ECONNREFUSED inside), or '' when it ended cleanly. */
async function relay(engine: Engine, id: string, port: number, socket: net.Socket): Promise<string> {
  let stderr = '';
  const errors = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      stderr += chunk.toString('utf8');
      callback();
    },
  });
  const exitCode = await engine.execStream(id, {
    cmd: relayCommand(port),
    tty: false,
    stdin: socket,
    stdout: socket,
    stderr: errors,
  });
  socket.end();
  if (exitCode === 0) return '';
  if (exitCode === 126 || exitCode === 127)
    return 'the relay needs `node` in the container, and this image has none';
  return `connection to port ${port} in the container failed: ${stderr.trim() || `exit ${exitCode}`}`;
}
