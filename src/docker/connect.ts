import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where an engine answers, and why we chose it (shown by `doctor` and in errors). */
export interface EngineEndpoint {
  /** Human form, e.g. `unix:///var/run/docker.sock`. */
  url: string;
  protocol: 'unix' | 'npipe' | 'tcp' | 'ssh';
  /** Unix socket path or Windows named pipe. */
  socketPath?: string;
  host?: string;
  port?: number;
  username?: string;
  tls?: { ca?: string; cert?: string; key?: string; verify: boolean };
  /** `DOCKER_HOST`, `context <name>`, `default socket`, `podman socket`. */
  source: string;
}

export interface ConnectEnvironment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  homedir: string;
  /** Injected so the rules can be unit-tested without a file system. */
  exists: (file: string) => boolean;
  readFile: (file: string) => string;
}

export function hostEnvironment(): ConnectEnvironment {
  return {
    env: process.env,
    platform: process.platform,
    homedir: os.homedir(),
    exists: existsSync,
    readFile: (file) => readFileSync(file, 'utf8'),
  };
}

const WINDOWS_PIPE = '//./pipe/docker_engine';

/**
 * The endpoint to talk to, by the rules the docker CLI uses: `DOCKER_HOST`, then
 * `DOCKER_CONTEXT`, then the config's `currentContext`, then the first default socket
 * (Docker, Docker Desktop, rootless, then Podman) that exists.
 */
export function resolveEndpoint(host: ConnectEnvironment = hostEnvironment()): EngineEndpoint {
  const { env } = host;
  if (env.DOCKER_HOST) return parseDockerHost(env.DOCKER_HOST, 'DOCKER_HOST', tlsFromEnv(host));

  const contextName = env.DOCKER_CONTEXT || currentContext(host);
  if (contextName && contextName !== 'default') return contextEndpoint(contextName, host);

  return defaultSocket(host);
}

/** Every default socket, in the order they are tried. */
export function defaultSocketCandidates(host: ConnectEnvironment): EngineEndpoint[] {
  if (host.platform === 'win32') {
    return [
      { url: `npipe://${WINDOWS_PIPE}`, protocol: 'npipe', socketPath: WINDOWS_PIPE, source: 'default pipe' },
      {
        url: 'npipe:////./pipe/podman-machine-default',
        protocol: 'npipe',
        socketPath: '//./pipe/podman-machine-default',
        source: 'podman pipe',
      },
    ];
  }
  const runtime = host.env.XDG_RUNTIME_DIR;
  const sockets: Array<[string, string]> = [
    ['/var/run/docker.sock', 'default socket'],
    [path.posix.join(host.homedir, '.docker/run/docker.sock'), 'Docker Desktop socket'],
  ];
  if (runtime) sockets.push([path.posix.join(runtime, 'docker.sock'), 'rootless socket']);
  if (runtime) sockets.push([path.posix.join(runtime, 'podman/podman.sock'), 'podman socket']);
  sockets.push(['/run/podman/podman.sock', 'podman socket']);
  if (host.platform === 'darwin') {
    sockets.push([path.posix.join(host.homedir, '.colima/default/docker.sock'), 'colima socket']);
  }
  return sockets.map(([socketPath, source]) => ({
    url: `unix://${socketPath}`,
    protocol: 'unix',
    socketPath,
    source,
  }));
}

function defaultSocket(host: ConnectEnvironment): EngineEndpoint {
  const candidates = defaultSocketCandidates(host);
  if (host.platform === 'win32') return candidates[0]!;
  return candidates.find((c) => c.socketPath && host.exists(c.socketPath)) ?? candidates[0]!;
}

export function parseDockerHost(
  value: string,
  source: string,
  tls?: EngineEndpoint['tls'],
): EngineEndpoint {
  const match = /^([a-z]+):\/\/(.*)$/i.exec(value.trim());
  if (!match) {
    throw new TypeError(
      `${source} must look like unix:///path, tcp://host:port, ssh://user@host or npipe:////./pipe/name, got \`${value}\``,
    );
  }
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  switch (scheme) {
    case 'unix':
      return { url: value, protocol: 'unix', socketPath: rest, source };
    case 'npipe':
      // npipe:////./pipe/docker_engine -> //./pipe/docker_engine
      return { url: value, protocol: 'npipe', socketPath: rest.replace(/^\/*/, '//'), source };
    case 'tcp':
    case 'http':
    case 'https': {
      const url = new URL(`tcp://${rest}`);
      const secure = scheme === 'https' || tls !== undefined;
      const endpoint: EngineEndpoint = {
        url: value,
        protocol: 'tcp',
        host: url.hostname,
        port: url.port ? Number(url.port) : secure ? 2376 : 2375,
        source,
      };
      if (tls) endpoint.tls = tls;
      return endpoint;
    }
    case 'ssh': {
      const url = new URL(value);
      const endpoint: EngineEndpoint = {
        url: value,
        protocol: 'ssh',
        host: url.hostname,
        port: url.port ? Number(url.port) : 22,
        source,
      };
      if (url.username) endpoint.username = decodeURIComponent(url.username);
      return endpoint;
    }
    default:
      throw new TypeError(`${source}: unsupported scheme \`${scheme}\` in \`${value}\``);
  }
}

function tlsFromEnv(host: ConnectEnvironment): EngineEndpoint['tls'] {
  const { env } = host;
  const verify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  const certPath = env.DOCKER_CERT_PATH || (verify ? path.join(host.homedir, '.docker') : undefined);
  if (!verify && !env.DOCKER_CERT_PATH) return undefined;
  const dir = certPath!;
  return {
    ca: path.join(dir, 'ca.pem'),
    cert: path.join(dir, 'cert.pem'),
    key: path.join(dir, 'key.pem'),
    verify,
  };
}

function dockerConfigDir(host: ConnectEnvironment): string {
  return host.env.DOCKER_CONFIG || path.join(host.homedir, '.docker');
}

function currentContext(host: ConnectEnvironment): string | undefined {
  const file = path.join(dockerConfigDir(host), 'config.json');
  if (!host.exists(file)) return undefined;
  try {
    const config = JSON.parse(host.readFile(file)) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' ? config.currentContext : undefined;
  } catch {
    return undefined;
  }
}

function contextEndpoint(name: string, host: ConnectEnvironment): EngineEndpoint {
  const id = createHash('sha256').update(name).digest('hex');
  const base = dockerConfigDir(host);
  const metaFile = path.join(base, 'contexts', 'meta', id, 'meta.json');
  if (!host.exists(metaFile)) {
    throw new TypeError(`docker context \`${name}\` not found (no ${metaFile})`);
  }
  const meta = JSON.parse(host.readFile(metaFile)) as {
    Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
  };
  const docker = meta.Endpoints?.docker;
  if (!docker?.Host) throw new TypeError(`docker context \`${name}\` has no docker endpoint in ${metaFile}`);
  const tlsDir = path.join(base, 'contexts', 'tls', id, 'docker');
  const tls = host.exists(path.join(tlsDir, 'ca.pem'))
    ? {
        ca: path.join(tlsDir, 'ca.pem'),
        cert: path.join(tlsDir, 'cert.pem'),
        key: path.join(tlsDir, 'key.pem'),
        verify: !docker.SkipTLSVerify,
      }
    : undefined;
  return parseDockerHost(docker.Host, `context ${name}`, tls);
}
