import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { messageOf } from '../errors.js';
import { parseDockerHost } from './docker-host.js';

export { parseDockerHost } from './docker-host.js';

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
  /** Unix user id: finds `/run/user/<uid>` when XDG_RUNTIME_DIR is unset (sudo, ssh, cron). */
  uid?: number;
}

export function hostEnvironment(): ConnectEnvironment {
  return {
    env: process.env,
    platform: process.platform,
    homedir: os.homedir(),
    exists: existsSync,
    readFile: (file) => readFileSync(file, 'utf8'),
    ...(process.getuid ? { uid: process.getuid() } : {}),
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
  const runtime =
    host.env.XDG_RUNTIME_DIR ||
    (host.platform === 'linux' && host.uid !== undefined && host.uid !== 0
      ? `/run/user/${host.uid}`
      : undefined);
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
