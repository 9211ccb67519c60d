import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { messageOf } from '../errors.js';

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
  /** Only the certificate files that exist; without `ca` the system's CAs verify the server. */
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
const PODMAN_PIPE = '//./pipe/podman-machine-default';

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
      { url: `npipe://${PODMAN_PIPE}`, protocol: 'npipe', socketPath: PODMAN_PIPE, source: 'podman pipe' },
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

/**
 * The first candidate that exists; when none does, the first one, so the error names the
 * place a user would expect. Named pipes cannot be probed cheaply: Docker's pipe is assumed.
 */
function defaultSocket(host: ConnectEnvironment): EngineEndpoint {
  const candidates = defaultSocketCandidates(host);
  if (host.platform === 'win32') return candidates[0]!;
  return candidates.find((c) => c.socketPath && host.exists(c.socketPath)) ?? candidates[0]!;
}

/**
 * Parses a docker host URL. Like the docker CLI, `host:port` without a scheme means tcp, and
 * tcp defaults to port 2376 with TLS and 2375 without.
 */
export function parseDockerHost(value: string, source: string, tls?: EngineEndpoint['tls']): EngineEndpoint {
  const trimmed = value.trim();
  const withScheme =
    /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) || /^[/\\]/.test(trimmed) ? trimmed : `tcp://${trimmed}`;
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(withScheme);
  if (!match) {
    throw new TypeError(
      `${source} must look like unix:///path, tcp://host:port, ssh://user@host or npipe:////./pipe/name, got \`${value}\``,
    );
  }
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  switch (scheme) {
    case 'unix':
      if (rest === '') throw new TypeError(`${source}: unix:// needs a socket path, got \`${value}\``);
      return { url: trimmed, protocol: 'unix', socketPath: rest, source };
    case 'npipe': {
      // npipe:////./pipe/docker_engine -> //./pipe/docker_engine (backslashes work too)
      const pipe = rest.replace(/\\/g, '/').replace(/^\/*/, '//');
      if (pipe === '//') throw new TypeError(`${source}: npipe:// needs a pipe name, got \`${value}\``);
      return { url: trimmed, protocol: 'npipe', socketPath: pipe, source };
    }
    case 'tcp':
    case 'http':
    case 'https': {
      const url = parseUrl(`tcp://${rest}`, value, source);
      // `https://` asks for TLS even without certificates: the system's CAs verify the server.
      const secureTls = tls ?? (scheme === 'https' ? { verify: true } : undefined);
      const endpoint: EngineEndpoint = {
        url: withScheme,
        protocol: 'tcp',
        host: unbracket(url.hostname),
        port: url.port ? Number(url.port) : secureTls ? 2376 : 2375,
        source,
      };
      if (secureTls) endpoint.tls = secureTls;
      return endpoint;
    }
    case 'ssh': {
      const url = parseUrl(withScheme, value, source);
      const endpoint: EngineEndpoint = {
        url: withScheme,
        protocol: 'ssh',
        host: unbracket(url.hostname),
        port: url.port ? Number(url.port) : 22,
        source,
      };
      if (url.username) endpoint.username = decodeURIComponent(url.username);
      return endpoint;
    }
    default:
      throw new TypeError(
        `${source}: unsupported scheme \`${scheme}\` in \`${value}\` (use unix, tcp, ssh or npipe)`,
      );
  }
}

function parseUrl(text: string, value: string, source: string): URL {
  try {
    const url = new URL(text);
    if (url.hostname === '') throw new TypeError('no host');
    return url;
  } catch {
    throw new TypeError(`${source}: cannot read a host and port from \`${value}\``);
  }
}

/** `new URL` keeps the brackets of an IPv6 host; sockets want the bare address. */
function unbracket(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1');
}

function pathFor(host: ConnectEnvironment): path.PlatformPath {
  return host.platform === 'win32' ? path.win32 : path.posix;
}

/**
 * The docker CLI's TLS rules: `DOCKER_TLS_VERIFY` (any value but empty or `0`) turns on TLS with
 * verification; `DOCKER_CERT_PATH` alone turns on TLS without it. Certificates come from
 * `DOCKER_CERT_PATH`, else the docker config directory; missing files are left out.
 */
function tlsFromEnv(host: ConnectEnvironment): EngineEndpoint['tls'] {
  const { env } = host;
  const verify =
    env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  if (!verify && !env.DOCKER_CERT_PATH) return undefined;
  return certFiles(host, env.DOCKER_CERT_PATH || dockerConfigDir(host), verify);
}

function certFiles(
  host: ConnectEnvironment,
  dir: string,
  verify: boolean,
): NonNullable<EngineEndpoint['tls']> {
  const tls: NonNullable<EngineEndpoint['tls']> = { verify };
  for (const name of ['ca', 'cert', 'key'] as const) {
    const file = pathFor(host).join(dir, `${name}.pem`);
    if (host.exists(file)) tls[name] = file;
  }
  return tls;
}

function dockerConfigDir(host: ConnectEnvironment): string {
  return host.env.DOCKER_CONFIG || pathFor(host).join(host.homedir, '.docker');
}

function currentContext(host: ConnectEnvironment): string | undefined {
  const file = pathFor(host).join(dockerConfigDir(host), 'config.json');
  if (!host.exists(file)) return undefined;
  try {
    const config = JSON.parse(host.readFile(file)) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' ? config.currentContext : undefined;
  } catch {
    // The docker CLI refuses a broken config.json too, but for its own commands; the default applies here.
    return undefined;
  }
}

/** The sha256 of the context name names its directories under `contexts/meta` and `contexts/tls`. */
export function contextId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

function contextEndpoint(name: string, host: ConnectEnvironment): EngineEndpoint {
  const p = pathFor(host);
  const id = contextId(name);
  const base = dockerConfigDir(host);
  const metaFile = p.join(base, 'contexts', 'meta', id, 'meta.json');
  if (!host.exists(metaFile)) {
    throw new TypeError(`docker context \`${name}\` not found (no ${metaFile})`);
  }
  let meta: { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  try {
    meta = JSON.parse(host.readFile(metaFile)) as typeof meta;
  } catch (error) {
    throw new TypeError(`docker context \`${name}\`: ${metaFile} is not valid JSON (${messageOf(error)})`);
  }
  const docker = meta?.Endpoints?.docker;
  if (typeof docker?.Host !== 'string' || docker.Host === '') {
    throw new TypeError(`docker context \`${name}\` has no docker endpoint in ${metaFile}`);
  }
  const skipVerify = docker.SkipTLSVerify === true;
  const tls = certFiles(host, p.join(base, 'contexts', 'tls', id, 'docker'), !skipVerify);
  // Like the docker CLI: TLS when the context stores certificates or asks to skip verification.
  const hasTls = tls.ca !== undefined || tls.cert !== undefined || tls.key !== undefined || skipVerify;
  return parseDockerHost(docker.Host, `context ${name}`, hasTls ? tls : undefined);
}
