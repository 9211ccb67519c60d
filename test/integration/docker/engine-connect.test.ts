import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineEndpoint, hostEnvironment, resolveEndpoint } from '../../../src/docker/connect.js';
import { DockerodeEngine } from '../../../src/docker/dockerode-engine.js';
import { LaunchError } from '../../../src/errors.js';
import { repoRoot } from '../../helpers/cli.js';

const certDir = path.join(repoRoot, 'test', 'fixtures', 'tls');
const realSocket = resolveEndpoint().socketPath ?? '/var/run/docker.sock';
const serverVersion = () =>
  execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim();

/** Resolves the endpoint the way the CLI does, from these variables only. */
function endpointFrom(env: NodeJS.ProcessEnv): EngineEndpoint {
  return resolveEndpoint({ ...hostEnvironment(), env });
}

const servers: Array<net.Server> = [];
const connections = new Set<net.Socket>();
const sockets: string[] = [];
afterAll(async () => {
  // Keep-alive connections would hold close() open.
  for (const connection of connections) connection.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  for (const file of sockets) rmSync(file, { force: true });
});

/** Forwards every connection to the real engine's socket: the engine, reached over tcp or TLS. */
function forwardToEngine(socket: net.Socket): void {
  const upstream = net.connect(realSocket);
  socket.pipe(upstream).pipe(socket);
  const close = () => {
    socket.destroy();
    upstream.destroy();
  };
  socket.on('error', close);
  upstream.on('error', close);
}

async function listen(server: net.Server, where: string | number): Promise<number> {
  servers.push(server);
  server.on(server instanceof tls.Server ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve) => {
    if (typeof where === 'string') server.listen(where, resolve);
    else server.listen(where, '127.0.0.1', resolve);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe('DockerodeEngine against the real engine', () => {
  let tcpPort: number;
  let tlsPort: number;

  beforeAll(async () => {
    tcpPort = await listen(net.createServer(forwardToEngine), 0);
    const secure = tls.createServer(
      {
        key: readFileSync(path.join(certDir, 'key.pem')),
        cert: readFileSync(path.join(certDir, 'cert.pem')),
      },
      forwardToEngine,
    );
    tlsPort = await listen(secure, 0);
  });

  it('reaches the engine at the default endpoint and reports it', async () => {
    const engine = new DockerodeEngine(resolveEndpoint());
    const info = await engine.info({ timeoutMs: 20_000 });
    expect(info).toMatchObject({ name: 'Docker', version: serverVersion() });
    expect(info.apiVersion).toMatch(/^1\.\d+$/);
    expect(info.storageDriver).toMatch(/\S/);
  });

  it('DOCKER_HOST=tcp://… reaches it over plain HTTP', async () => {
    const endpoint = endpointFrom({ DOCKER_HOST: `tcp://127.0.0.1:${tcpPort}` });
    expect(endpoint).toMatchObject({ protocol: 'tcp', port: tcpPort, source: 'DOCKER_HOST' });
    expect((await new DockerodeEngine(endpoint).info()).version).toBe(serverVersion());
  });

  it('DOCKER_TLS_VERIFY + DOCKER_CERT_PATH reach it over verified TLS', async () => {
    const endpoint = endpointFrom({
      DOCKER_HOST: `tcp://localhost:${tlsPort}`,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: certDir,
    });
    expect(endpoint.tls).toMatchObject({ ca: path.join(certDir, 'ca.pem'), verify: true });
    expect((await new DockerodeEngine(endpoint).info()).version).toBe(serverVersion());
  });

  it('verified TLS refuses a server certificate it cannot trust', async () => {
    const endpoint = endpointFrom({ DOCKER_HOST: `https://localhost:${tlsPort}` });
    expect(endpoint.tls).toEqual({ verify: true });
    await expect(new DockerodeEngine(endpoint).info({ timeoutMs: 10_000 })).rejects.toThrow(
      /self[- ]signed/i,
    );
  });

  it('DOCKER_CERT_PATH without DOCKER_TLS_VERIFY uses TLS without checking the server', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-certs-'));
    try {
      const endpoint = endpointFrom({ DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`, DOCKER_CERT_PATH: empty });
      expect(endpoint.tls).toEqual({ verify: false });
      expect((await new DockerodeEngine(endpoint).info()).version).toBe(serverVersion());
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('DockerodeEngine when no engine answers', () => {
  it('a missing socket is ENGINE_UNREACHABLE naming the endpoint', async () => {
    const file = path.join(os.tmpdir(), `none-${randomBytes(4).toString('hex')}.sock`);
    const engine = new DockerodeEngine(endpointFrom({ DOCKER_HOST: `unix://${file}` }));
    const error = await engine.info().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaunchError);
    expect(error).toMatchObject({
      code: 'ENGINE_UNREACHABLE',
      exitCode: 3,
      message: `cannot reach the container engine at unix://${file} (ENOENT)`,
      details: { endpoint: `unix://${file}`, source: 'DOCKER_HOST' },
    });
  });

  it('a socket that accepts but never answers times out instead of hanging', async () => {
    const file = path.join(os.tmpdir(), `hung-${randomBytes(4).toString('hex')}.sock`);
    sockets.push(file);
    const held: Array<{ closed: boolean }> = [];
    const server = net.createServer((socket) => {
      const state = { closed: false };
      held.push(state);
      socket.on('error', () => {});
      socket.on('close', () => {
        state.closed = true;
      });
      socket.resume(); // read the request, never answer
    });
    await listen(server, file);
    const engine = new DockerodeEngine(endpointFrom({ DOCKER_HOST: `unix://${file}` }));
    const started = performance.now();
    const error = await engine.info({ timeoutMs: 500 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({
      code: 'ENGINE_UNREACHABLE',
      message: `no answer from the container engine at unix://${file} within 0.5 s`,
    });
    // The aborted requests let go of their connections, so the CLI can exit.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((s) => s.closed)).toBe(true);
  });
});
